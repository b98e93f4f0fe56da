import { exitCodeOf, formatDuration, type RunTimings } from '@faultline/core';
import type { RunResult } from '@faultline/engine';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';

const headline = {
  completed: 'COMPLETED — the system held its steady state',
  deviated: 'DEVIATED — the steady state did not hold after the faults were reverted',
  aborted: 'ABORTED — the run was stopped and every fault reverted',
  failed: 'FAILED — the run could not reach a verdict',
  'revert-pending': 'REVERT PENDING — some faults may still be active',
} as const;

export function timingLines(t: RunTimings): string[] {
  const lines = [`duration        ${formatDuration(t.durationMs)}`];
  if (t.timeToAbortMs !== undefined) lines.push(`breach → abort  ${t.timeToAbortMs < 1 ? '<1ms' : formatDuration(t.timeToAbortMs)}`);
  if (t.breachToRevertedMs !== undefined) lines.push(`breach → all reverted  ${formatDuration(t.breachToRevertedMs)}`);
  else if (t.timeToRevertMs !== undefined) lines.push(`revert took     ${formatDuration(t.timeToRevertMs)}`);
  return lines;
}

/** The end-of-run summary: verdict, why, timings, where the journal is, and what to do next. */
export function printSummary(io: CliIo, result: RunResult, opts: { journalFile?: string } = {}): void {
  const p = palette(io);
  const ineffective = result.ineffective ?? [];
  const colour = result.outcome === 'completed' && ineffective.length === 0 ? p.green : result.outcome === 'deviated' || result.outcome === 'completed' ? p.yellow : p.red;
  const title = result.outcome === 'completed' && ineffective.length ? 'COMPLETED, BUT A FAULT WAS INEFFECTIVE — the hypothesis was not tested' : headline[result.outcome];
  const out: string[] = ['', colour(p.bold(title)), `  why             ${result.reason}`];
  for (const x of ineffective) out.push(p.yellow(`  ineffective     ${x.detail}`));
  for (const l of timingLines(result.timings)) out.push(`  ${l}`);
  if (result.pending.length) {
    out.push(p.red(`  still active    ${result.pending.map((f) => `${f.fault} on ${f.target}`).join(', ')}`));
    out.push(`  next            run \`faultline recover\` (it retries from the journal until everything is reverted)`);
  }
  if (opts.journalFile) out.push(p.dim(`  journal         ${opts.journalFile}`));
  out.push(p.dim(`  exit code       ${exitCodeOf(result.outcome, result.ineffective)}`));
  io.stdout.write(out.join('\n') + '\n');
}
