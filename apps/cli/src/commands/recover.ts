import os from 'node:os';
import path from 'node:path';
import { UsageError, exitCodes, toErrorInfo, type ErrorInfo } from '@faultline/core';
import { FileJournal, forgetRun, recover, sweepOrphans, type ForgottenRun, type RecoveredRun, type SweepWarning, type SweptOrphan } from '@faultline/engine';
import type { CliIo } from '../io.js';
import { clockOf, palette } from '../io.js';
import { cliLogger } from '../logger.js';
import { buildRegistry } from '../registry.js';
import { cliSecretResolver } from '../secrets.js';

export interface RecoverCommandOptions {
  stateDir: string;
  force?: boolean;
  sweepUnknown?: boolean;
  output?: string;
  verbose?: boolean;
  kubeconfig?: string;
  context?: string;
  /** Acknowledge this run (its backend is gone for good): journaled as `forced`, ends `failed`. */
  forget?: string;
  reason?: string;
  /** A controller URL: forget a run hosted by the controllers instead of one in the local journal. */
  server?: string;
  token?: string;
}

/** The one document `recover -o json` prints, whatever happened. */
export interface RecoverReport {
  stateDir: string;
  recovered: RecoveredRun[];
  swept: SweptOrphan[];
  /** Backends the sweep could not look at (best-effort); each names the runs that used it. */
  warnings: SweepWarning[];
  forgotten?: ForgottenRun;
  /** Set when recover could not even examine the journal. */
  error?: ErrorInfo;
  /** True when some fault may still be active (exit code 4). */
  mayStillBeActive: boolean;
}

const maybeActive = (r: RecoveredRun) => r.action === 'revert-pending' || r.action === 'skipped-alive' || r.action === 'error';

/**
 * `faultline recover`: reverts whatever the local journal shows as possibly active (after SIGKILL, a
 * power cut or a revert that kept failing), then sweeps Faultline-tagged leftovers of finished runs.
 * Per-run and per-backend isolation: one unreachable backend never hides another run's result.
 * Idempotent. Exit 4 when something may still be active, else 0 (warnings about finished runs' backends included).
 */
export async function recoverCommand(io: CliIo, opts: RecoverCommandOptions): Promise<number> {
  if (opts.forget !== undefined && !opts.reason?.trim()) {
    throw new UsageError('--forget needs --reason', { hint: 'Say why it is safe to forget the run, e.g. --reason "staging cluster deleted".' });
  }
  if (opts.reason !== undefined && opts.forget === undefined) throw new UsageError('--reason only goes with --forget <runId>');
  if (opts.server !== undefined) {
    const { recoverRemoteCommand } = await import('./recover-remote.js');
    return recoverRemoteCommand(io, { ...opts, server: opts.server });
  }
  const journal = new FileJournal(path.resolve(io.cwd, opts.stateDir), clockOf(io));
  const report: RecoverReport = { stateDir: journal.stateDir, recovered: [], swept: [], warnings: [], mayStillBeActive: false };
  try {
    if (opts.forget !== undefined) {
      report.forgotten = await forgetRun({
        source: journal, sink: journal, runId: opts.forget, reason: opts.reason ?? '', by: `${os.userInfo().username}@${os.hostname()} (faultline recover --forget)`, clock: clockOf(io),
      });
    }
    const kinds = new Set<string>();
    for (const runId of await journal.listRuns()) {
      for (const e of await journal.read(runId).catch(() => [])) if (e.type === 'fault-injecting') kinds.add(e.target.kind);
    }
    const registry = await buildRegistry({ kinds: [...kinds], env: io.env, ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
    const log = cliLogger(io, opts.verbose ?? false);
    const secrets = cliSecretResolver(io.env, { ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
    report.recovered = await recover({ registry, source: journal, sink: journal, log, clock: clockOf(io), secrets, ...(opts.force ? { force: true } : {}) });
    report.swept = await sweepOrphans({ registry, source: journal, log, secrets, onlyKnownRuns: !opts.sweepUnknown, onWarning: (w) => report.warnings.push(w) });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    report.error = toErrorInfo(err);
  } finally {
    await journal.close();
  }
  report.mayStillBeActive = report.error !== undefined || report.recovered.some(maybeActive) || report.swept.some((s) => !s.removed);
  if (opts.output === 'json') io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printReport(io, report);
  return report.mayStillBeActive ? exitCodes['revert-pending'] : 0;
}

function printReport(io: CliIo, report: RecoverReport): void {
  const p = palette(io);
  const pe = palette(io, 'stderr');
  const f = report.forgotten;
  if (f) io.stdout.write(`${p.yellow('forgotten')} ${f.runId} ${p.dim(`(${f.experiment}, was ${f.previousState})`)}: ${f.detail}\n`);
  if (report.error) io.stderr.write(`${pe.red('error:')} recover could not finish: ${report.error.message}; what it reported so far is below, and a fault may still be active\n`);
  if (report.recovered.length === 0 && report.swept.length === 0 && !report.error && !f) {
    io.stdout.write(`${p.green('✓')} nothing to recover: no unfinished runs and no leftover faults in ${report.stateDir}\n`);
  }
  for (const r of report.recovered) {
    const mark = r.action === 'reverted' || r.action === 'nothing-to-revert' ? p.green('✓') : r.action === 'skipped-alive' ? p.yellow('…') : p.red('✗');
    io.stdout.write(`${mark} ${r.runId} ${p.dim(`(${r.experiment}, was ${r.previousState})`)}: ${r.detail}\n`);
    for (const x of r.faults) io.stdout.write(`    ${x.reverted ? p.green('reverted') : p.red('still active')} ${x.fault} on ${x.target}\n`);
  }
  for (const s of report.swept) io.stdout.write(`${s.removed ? p.green('✓ removed') : p.red('✗ could not remove')} leftover ${s.description} ${p.dim(`(run ${s.runId})`)}${s.error ? `: ${s.error}` : ''}\n`);
  for (const w of report.warnings) {
    io.stderr.write(`${pe.yellow('warning:')} could not check ${w.backend} for leftovers (named by run${w.runIds.length === 1 ? '' : 's'} ${w.runIds.join(', ') || '-'}): ${w.message}\n`);
  }
  if (report.warnings.length && !report.mayStillBeActive) {
    io.stderr.write(pe.dim('  those runs are finished, so nothing of theirs is known to be active; if a backend is gone for good, ignore the warning\n'));
  }
  for (const r of report.recovered.filter((x) => x.action === 'revert-pending')) {
    io.stdout.write(p.dim(`  if the backend of ${r.runId} is gone for good: faultline recover --forget ${r.runId} --reason "…"\n`));
  }
}
