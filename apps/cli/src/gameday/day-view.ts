import { formatDuration, type JournalEvent } from '@faultline/core';
import type { DayEvent, DayRunner, GameDay, StepStatus } from '@faultline/gameday';
import type { CliIo, Palette } from '../io.js';
import { clockOf, palette } from '../io.js';
import { LiveFooter } from '../render/live-footer.js';
import { ProgressView } from '../render/progress.js';
import { describeStep } from './describe-step.js';

const statusMark = (p: Palette, s: StepStatus): string =>
  ({ passed: p.green('✓ passed'), failed: p.red('✗ failed'), done: p.green('✓ done'), skipped: p.yellow('↷ skipped'), aborted: p.yellow('■ aborted'), 'not-run': p.dim('· not run') })[s];

/**
 * The game day on a terminal: one line per step, answer, note and verdict; the current step's run with
 * the run view the CLI already has; and a live footer with the day's progress, countdowns, the gate or
 * checklist waiting, the note being typed and the keys. Without a TTY, plain lines only (CI logs).
 */
export class DayView {
  private readonly p: Palette;
  private progress: ProgressView | undefined;
  private readonly screen: LiveFooter;
  private runner: DayRunner | undefined;
  /** What the keyboard is doing: null when idle, else the prompt and the text typed so far. */
  prompt: { label: string; text: string } | undefined;
  message: string | undefined;

  constructor(private readonly io: CliIo, private readonly day: GameDay, opts: { live?: boolean } = {}) {
    this.p = palette(io);
    this.screen = new LiveFooter(io, opts.live ?? Boolean(io.stdout.isTTY), () => this.footer());
  }

  attach(runner: DayRunner): void {
    this.runner = runner;
  }

  start(): void {
    this.screen.start();
  }

  stop(): void {
    this.screen.stop();
  }

  print(line: string): void {
    this.screen.print(line);
  }

  /** Run events of the current experiment step go through the run view, indented. */
  onRunEvent(e: JournalEvent): void {
    if (e.type === 'run-created') {
      const write = (s: string) => {
        for (const l of s.replace(/\n$/, '').split('\n')) this.print(`   ${l}`);
        return true;
      };
      this.progress = new ProgressView({ ...this.io, stdout: { isTTY: this.io.stdout.isTTY ?? false, write } }, { live: false });
    }
    this.progress?.onEvent(e);
    if (e.type === 'verdict') this.progress = undefined;
  }

  onDayEvent(e: DayEvent): void {
    const p = this.p;
    const steps = this.day.spec.steps;
    const stepTitle = (i: number) => steps[i]?.title ?? `step ${i + 1}`;
    switch (e.type) {
      case 'day-created':
        this.print(`${p.bold(`▶ game day ${this.day.metadata.name}`)}  ${p.dim(`day ${e.dayId} · ${steps.length} steps${e.unattended ? ' · unattended: gates take their defaults' : ''}`)}`);
        if (this.day.metadata.hypothesis) this.print(`  ${p.dim('hypothesis: ' + this.day.metadata.hypothesis)}`);
        break;
      case 'resumed':
        this.print(`${p.bold(`▶ resuming game day ${this.day.metadata.name}`)}  ${p.dim(`day ${e.dayId} · ${e.decision} from step ${e.fromStep + 1}`)}`);
        break;
      case 'step-started': {
        const step = steps[e.step];
        this.print('');
        this.print(`${p.cyan(`[${e.step + 1}/${steps.length}]`)} ${p.bold(e.title)}  ${p.dim(step ? describeStep(step) : e.kind)}`);
        if (step?.briefing) this.print(`  ${p.dim('briefing: ' + step.briefing)}`);
        if (step?.kind === 'checklist') step.items.forEach((item, i) => this.print(`  ${p.dim(`${i + 1}.`)} ${item}`));
        if (step?.kind === 'gate') this.print(`  ${p.yellow('?')} ${step.question}`);
        break;
      }
      case 'checklist-ticked':
        this.print(`  ${p.green('☑')} ${e.text} ${p.dim(`(${e.by}, ${e.at.slice(11, 19)})`)}`);
        break;
      case 'gate-answered':
        this.print(`  ${p.bold('answer')} ${e.answer}${e.defaulted ? p.dim(` (default: ${e.defaulted === 'timeout' ? 'nobody answered in time' : 'unattended'})`) : p.dim(` (${e.by})`)}${e.note ? ` — ${e.note}` : ''}`);
        break;
      case 'note':
        this.print(`  ${p.cyan('✎')} ${e.text} ${p.dim(`(${e.by}, ${e.at.slice(11, 19)}${e.step !== undefined ? `, step ${e.step + 1}` : ''})`)}`);
        break;
      case 'day-guard-breach':
        this.print(`  ${p.red(`DAY GUARD "${e.guard}" BREACHED: ${e.reason} — stopping the day, reverting the current step`)}`);
        break;
      case 'halt':
        this.print(`  ${p.red(`HALT (${e.by}): ${e.reason} — reverting the current step, no further step starts`)}`);
        break;
      case 'step-ended':
        if (e.status === 'not-run') break;
        this.print(`  ${statusMark(p, e.status)} ${p.dim(`step ${e.step + 1} (${stepTitle(e.step)}): ${e.reason}`)}`);
        break;
      default:
        break;
    }
  }

  private footer(): string[] {
    const r = this.runner;
    if (!r) return [];
    const s = r.status();
    if (s.finished || s.step === undefined) return this.prompt ? [this.promptLine()] : [];
    const p = this.p;
    const step = this.day.spec.steps[s.step];
    if (!step) return [];
    const left = s.endsAtMs !== undefined ? formatDuration(Math.max(0, s.endsAtMs - clockOf(this.io).nowMs())) : undefined;
    const lines = [`${p.cyan('◷')} ${p.bold(`step ${s.step + 1}/${this.day.spec.steps.length}`)} ${step.title}${step.kind === 'wait' && left ? ` — ${left} left` : ''}`];
    if (step.kind === 'experiment') lines.push(...(this.progress?.statusLines() ?? []).map((l) => `  ${l}`));
    if (step.kind === 'gate' && s.waitingFor === 'gate') {
      lines.push(`  ${p.yellow('?')} ${step.question}`);
      lines.push(`  ${p.bold('g')} go · ${p.bold('s')} skip next step · ${p.bold('x')} no-go (end the day)  ${p.dim(`default ${step.defaultAnswer} in ${left ?? '?'}`)}`);
    }
    if (step.kind === 'checklist' && s.waitingFor === 'checklist') {
      const ticked = new Set(s.ticked ?? []);
      step.items.forEach((item, i) => lines.push(`  ${ticked.has(i) ? p.green('[x]') : '[ ]'} ${p.bold(String(i + 1))} ${item}`));
      lines.push(`  ${p.dim('press a number to tick, c to continue')}`);
    }
    if (this.prompt) lines.push(this.promptLine());
    else lines.push(p.dim(`  keys: n note · a abort step · s skip · h halt day · Ctrl-C stop${step.kind === 'gate' ? ' · g/s/x answer' : ''}`));
    if (this.message) lines.push(`  ${p.yellow(this.message)}`);
    return lines;
  }

  private promptLine(): string {
    return `  ${this.p.bold(this.prompt?.label ?? '')} ${this.prompt?.text ?? ''}▏ ${this.p.dim('(Enter to save, Esc to cancel)')}`;
  }

  redraw(): void {
    this.screen.redraw();
  }
}
