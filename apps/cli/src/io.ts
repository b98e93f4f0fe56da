// The clock module only: io.ts is loaded at every start-up, the rest of core is not needed for --help.
import { systemClock, type Clock } from '@faultline/core/clock';

/** Where the CLI writes and what it reads; tests pass their own. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Registers a handler for SIGINT/SIGTERM; returns an unregister function. */
  onSignal(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
  /** Where every command reads time (default: the system clock). */
  clock?: Clock;
  /** Keyboard input for interactive commands (game days); absent or not a TTY means unattended. */
  stdin?: NodeJS.ReadStream;
}

/** The CLI's one clock. */
export function clockOf(io: CliIo): Clock {
  return io.clock ?? systemClock;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    clock: systemClock,
    stdin: process.stdin,
    onSignal(handler) {
      const int = () => handler('SIGINT');
      const term = () => handler('SIGTERM');
      process.on('SIGINT', int);
      process.on('SIGTERM', term);
      return () => {
        process.off('SIGINT', int);
        process.off('SIGTERM', term);
      };
    },
  };
}

/** Colours only on a TTY and when NO_COLOR is not set. */
export function palette(io: CliIo, stream: 'stdout' | 'stderr' = 'stdout') {
  const on = Boolean(io[stream].isTTY) && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const c = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { on, red: c(31), green: c(32), yellow: c(33), blue: c(34), dim: c(2), bold: c(1), cyan: c(36) };
}
export type Palette = ReturnType<typeof palette>;
