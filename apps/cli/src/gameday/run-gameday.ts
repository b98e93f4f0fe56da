import path from 'node:path';
import { newRunId, UsageError, type JournalEvent, type Registry } from '@faultline/core';
import { Engine, FileJournal } from '@faultline/engine';
import { DayRunner, FileDayJournal, type DayOutcome, type DayResult, type DayRunnerOptions, type GameDay } from '@faultline/gameday';
import type { CliIo } from '../io.js';
import { clockOf, palette } from '../io.js';
import { cliLogger } from '../logger.js';
import { DayView } from './day-view.js';
import { bindKeys } from './keys.js';
import { loadGameDay } from './load-gameday.js';
import { writeDayReports } from './report-gameday.js';

export interface GameDayRunOptions {
  stateDir: string;
  yes?: boolean;
  verbose?: boolean;
  report?: string;
  markdown?: string;
  kubeconfig?: string;
  context?: string;
  startAt?: string;
}

/** Exit codes of a day: 0 passed, 1 failed, 2 stopped/halted/aborted, 4 revert-pending. */
export const dayExitCodes: Record<DayOutcome, number> = { passed: 0, failed: 1, stopped: 2, halted: 2, aborted: 2, 'revert-pending': 4 };

/** `--start-at`: an ISO 8601 time with a zone (no local-time guessing). */
export function startTime(text: string): number {
  const ms = /(Z|[+-]\d\d:?\d\d)$/i.test(text.trim()) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--start-at wants an ISO 8601 time with a zone, e.g. 2026-03-01T09:30:00Z, got "${text}"`);
  return ms;
}

/** True when someone can answer gates: stdin and stdout are terminals and --yes was not given. */
export function interactive(io: CliIo, yes: boolean | undefined): boolean {
  return !yes && Boolean(io.stdin?.isTTY) && Boolean(io.stdout.isTTY);
}

/** `faultline gameday run FILE`: the whole day at the keyboard (or unattended with --yes / without a TTY). */
export async function gamedayRunCommand(io: CliIo, file: string, opts: GameDayRunOptions): Promise<number> {
  const loaded = await loadGameDay(file, { cwd: io.cwd, env: io.env, ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  return driveDay(io, loaded.day, loaded.registry, opts, { source: path.resolve(io.cwd, file), ...(opts.startAt ? { startsAtMs: startTime(opts.startAt) } : {}) });
}

/**
 * Runs (or resumes) a day with the terminal view, keys and signals wired. SIGINT/SIGTERM/Ctrl-C abort
 * the current run, which reverts before the command returns; a second one shows what is left.
 */
export async function driveDay(
  io: CliIo,
  day: GameDay,
  registry: Registry,
  opts: GameDayRunOptions,
  extra: Pick<DayRunnerOptions, 'resume' | 'source' | 'origin' | 'startsAtMs'>,
): Promise<number> {
  const stateDir = path.resolve(io.cwd, opts.stateDir);
  const clock = clockOf(io);
  const log = cliLogger(io, opts.verbose ?? false);
  const runs = new FileJournal(stateDir, clock);
  const days = new FileDayJournal(stateDir, clock);
  const attended = interactive(io, opts.yes);
  const view = new DayView(io, day);
  const runEvents = new Map<string, JournalEvent[]>();
  const engine = new Engine({
    registry, journal: runs, log, clock,
    onEvent: (e) => {
      const list = runEvents.get(e.runId) ?? [];
      list.push(e);
      runEvents.set(e.runId, list);
      view.onRunEvent(e);
    },
  });
  const runner = new DayRunner({
    day, registry, clock, log, journal: days, newRunId: () => newRunId(), unattended: !attended,
    startRun: (experiment, o) => engine.start(experiment, { ...(o.runId ? { runId: o.runId } : {}), source: `gameday step ${o.step + 1}`, ...(o.seed !== undefined ? { seed: o.seed } : {}) }),
    onEvent: (e) => view.onDayEvent(e),
    ...extra,
  });
  view.attach(runner);
  const p = palette(io, 'stderr');
  let interrupts = 0;
  const onInterrupt = (signal: string) => {
    interrupts++;
    if (interrupts === 1) {
      view.print(p.yellow(`${signal}: stopping the day — the current step's faults are reverted before faultline exits (again shows what is left)`));
      runner.interruptBySignal(signal);
    } else {
      const left = runner.activeFaults();
      view.print(`${p.yellow(left.length ? `still reverting: ${left.map((f) => `${f.fault} on ${f.target}`).join(', ')}` : 'reverts done; finishing up')} ${p.dim('(faultline will not exit before they are reverted; after SIGKILL use `faultline gameday resume`)')}`);
    }
  };
  const unregister = io.onSignal(onInterrupt);
  const unbind = attended && io.stdin ? bindKeys(io.stdin, runner, view, day, () => onInterrupt('Ctrl-C')) : undefined;
  view.start();
  let result: DayResult;
  try {
    result = await runner.done;
  } finally {
    view.stop();
    unbind?.();
    unregister();
    await runs.close();
    await days.close();
  }
  printDaySummary(io, day, result, days.fileOf(result.dayId));
  await writeDayReports(io, stateDir, result.dayId, { ...(opts.report ? { html: opts.report } : {}), ...(opts.markdown ? { markdown: opts.markdown } : {}) });
  return dayExitCodes[result.outcome];
}

const headline: Record<DayOutcome, string> = {
  passed: 'PASSED — every experiment step ended with its expected verdict',
  failed: 'FAILED — some experiment steps did not end as expected',
  stopped: 'STOPPED — a gate was answered no-go',
  halted: 'HALTED — the facilitator halted the day; every fault reverted',
  aborted: 'ABORTED — the day was stopped; every fault reverted',
  'revert-pending': 'REVERT PENDING — some faults may still be active',
};

export function printDaySummary(io: CliIo, day: GameDay, result: DayResult, journalFile: string): void {
  const p = palette(io);
  const colour = result.outcome === 'passed' ? p.green : result.outcome === 'failed' ? p.yellow : p.red;
  const out = ['', colour(p.bold(headline[result.outcome])), `  why       ${result.reason}`];
  for (const step of day.spec.steps) out.push(`  ${String(step.index + 1).padStart(2)}. ${(result.steps.get(step.index) ?? 'not-run').padEnd(8)} ${step.title}`);
  out.push(p.dim(`  day       ${result.dayId}`), p.dim(`  journal   ${journalFile}`), p.dim(`  report    faultline gameday report ${result.dayId}`));
  if (result.outcome === 'revert-pending') out.push(`  next      run \`faultline recover\` (it retries from the journal until everything is reverted)`);
  io.stdout.write(out.join('\n') + '\n');
}
