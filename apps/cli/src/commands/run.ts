import path from 'node:path';
import { exitCodeOf, exitCodes, type JournalEvent } from '@faultline/core';
import { Engine, FileJournal, type RunResult } from '@faultline/engine';
import type { CliIo } from '../io.js';
import { clockOf, palette } from '../io.js';
import { loadExperiment } from '../load.js';
import { cliLogger } from '../logger.js';
import { ProgressView } from '../render/progress.js';
import { printSummary } from '../render/summary.js';
import { runResultDocument } from '../render/result-document.js';
import { planExperiment, printPlan } from './plan.js';
import { writeReports } from './reports.js';
import { cliSecretResolver } from '../secrets.js';

export interface RunOptions {
  stateDir: string;
  dryRun?: boolean;
  seed?: number;
  /** table: live view; json: one result document at the end; jsonl: every journal event as it happens, then the result. */
  output?: 'table' | 'json' | 'jsonl';
  junit?: string;
  report?: string;
  verbose?: boolean;
  kubeconfig?: string;
  context?: string;
}

/**
 * `faultline run FILE`: the game day. SIGINT/SIGTERM abort the run, which then reverts everything
 * before the command returns; a second Ctrl-C only prints what is still being reverted.
 */
export async function runCommand(io: CliIo, file: string, opts: RunOptions): Promise<number> {
  const log = cliLogger(io, opts.verbose ?? false);
  const loaded = await loadExperiment(file, { cwd: io.cwd, env: io.env, ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
  const stateDir = path.resolve(io.cwd, opts.stateDir);
  const json = opts.output === 'json' || opts.output === 'jsonl';
  const stream = opts.output === 'jsonl';

  if (opts.dryRun) {
    const plan = await planExperiment(loaded.experiment, loaded.registry, opts.seed);
    if (json) io.stdout.write(JSON.stringify({ dryRun: true, experiment: loaded.experiment.metadata.name, plan }, null, 2) + '\n');
    else {
      printPlan(io, loaded.experiment, plan);
      io.stdout.write(`\n${palette(io).dim('dry run: nothing was injected')}\n`);
    }
    return plan.limits.some((l) => !l.ok) ? exitCodes.aborted : 0;
  }

  const journal = new FileJournal(stateDir, clockOf(io));
  const view = json ? undefined : new ProgressView(io);
  const events: JournalEvent[] = [];
  const engine = new Engine({
    registry: loaded.registry,
    journal,
    log,
    clock: clockOf(io),
    secrets: cliSecretResolver(io.env, { ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) }),
    onEvent: (e) => {
      events.push(e);
      if (stream) io.stdout.write(JSON.stringify(e) + '\n');
      else view?.onEvent(e);
    },
  });
  const run = engine.start(loaded.experiment, { source: path.resolve(io.cwd, file), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  let interrupts = 0;
  const p = palette(io, 'stderr');
  const unregister = io.onSignal((signal) => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr.write(`\n${p.yellow(`${signal}: aborting — every fault is reverted before faultline exits (Ctrl-C again shows what is left)`)}\n`);
      run.abort(`interrupted by ${signal}`, 'signal');
    } else {
      const left = run.activeFaults();
      io.stderr.write(`${p.yellow(left.length ? `still reverting: ${left.map((f) => `${f.fault} on ${f.target}`).join(', ')}` : 'reverts done; finishing up')} ${p.dim('(faultline will not exit before they are reverted; after SIGKILL use `faultline recover`)')}\n`);
    }
  });
  view?.start();
  let result: RunResult;
  try {
    result = await run.done;
  } finally {
    view?.stop();
    unregister();
    await journal.close();
  }
  const journalFile = journal.fileOf(run.runId);
  if (stream) io.stdout.write(JSON.stringify({ type: 'result', ...result, journal: journalFile }) + '\n');
  else if (json) io.stdout.write(JSON.stringify(runResultDocument({ ...result, events, journal: journalFile }), null, 2) + '\n');
  else printSummary(io, result, { journalFile });
  // With -o json stdout holds the one document; where the reports went goes to stderr.
  await writeReports(json ? { ...io, stdout: io.stderr } : io, events, { ...(opts.junit ? { junit: opts.junit } : {}), ...(opts.report ? { html: opts.report } : {}) });
  return exitCodeOf(result.outcome, result.ineffective);
}
