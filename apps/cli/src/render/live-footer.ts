import type { CliIo } from '../io.js';

/**
 * A block of lines kept at the bottom of a terminal and redrawn in place (4 times a second), with normal
 * output printed above it. Off a TTY (`live` false) there is no footer: lines are printed as they come.
 */
export class LiveFooter {
  private shown = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly io: CliIo, readonly live: boolean, private readonly lines: () => string[]) {}

  start(): void {
    if (this.live) this.timer = setInterval(() => this.redraw(), 250);
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }

  /** One line of output above the footer. */
  print(line: string): void {
    this.clear();
    this.io.stdout.write(line + '\n');
    this.draw();
  }

  redraw(): void {
    this.clear();
    this.draw();
  }

  private clear(): void {
    if (!this.live || this.shown === 0) return;
    this.io.stdout.write(`\u001b[${this.shown}A\u001b[J`);
    this.shown = 0;
  }

  private draw(): void {
    if (!this.live) return;
    const lines = this.lines();
    if (!lines.length) return;
    this.io.stdout.write(lines.join('\n') + '\n');
    this.shown = lines.length;
  }
}
