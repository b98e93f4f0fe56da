import os from 'node:os';
import {
  canTransition, defaultRevertPolicy, isTerminal, possiblyActive, replayJournal, silentLogger, systemClock, withTimeout,
  type Clock,
  type JournalEvent, type JournalEventBody, type JournalSink, type JournalSource, type Logger, type Registry,
  type RevertPolicy, type RunState, type Target, type SecretResolver, scrubJson,
} from '@faultline/core';
import { defaultSecretResolver } from './secrets/sources.js';
import { scrubbingLogger } from './secrets/scrubbing-logger.js';
import { revertAll, type ActiveFault } from './reverter.js';

export interface RecoverOptions {
  registry: Registry;
  source: JournalSource;
  sink: JournalSink;
  log?: Logger;
  policy?: RevertPolicy;
  onEvent?: (e: JournalEvent) => void;
  /** Recover runs even if their process still seems alive on this host. */
  force?: boolean;
  /** Only these runs (default: every unfinished run). */
  runIds?: readonly string[];
  /** Where recovery reads time for its verdicts. Default: the system clock. */
  clock?: Clock;
  /** Resolves secret references again for the reverts. Default: env + file sources of this process. */
  secrets?: SecretResolver;
}

export interface RecoveredRun {
  runId: string;
  experiment: string;
  previousState: RunState;
  action: 'reverted' | 'nothing-to-revert' | 'revert-pending' | 'skipped-alive';
  faults: { fault: string; target: string; reverted: boolean }[];
  detail: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reverts every fault that any unfinished run's journal shows as possibly active, using only the
 * journal (no in-memory state), then ends each run: `aborted` when everything is reverted,
 * `revert-pending` otherwise. Idempotent: a second call finds nothing to do.
 */
export async function recover(opts: RecoverOptions): Promise<RecoveredRun[]> {
  const secrets = opts.secrets ?? defaultSecretResolver();
  const log = scrubbingLogger(opts.log ?? silentLogger, secrets);
  const clock = opts.clock ?? systemClock;
  const out: RecoveredRun[] = [];
  const ids = opts.runIds ?? (await opts.source.listUnfinishedRuns());
  for (const runId of ids) {
    const events = await opts.source.read(runId);
    const { state, records, experiment } = replayJournal(events);
    if (isTerminal(state)) continue;
    const created = events.find((e) => e.type === 'run-created');
    const name = experiment?.metadata.name ?? '(unknown experiment)';
    if (!opts.force && created && created.type === 'run-created' && created.host === os.hostname() && created.pid !== process.pid && processAlive(created.pid)) {
      out.push({ runId, experiment: name, previousState: state, action: 'skipped-alive', faults: [], detail: `still running in process ${created.pid}; stop it (it reverts on SIGINT/SIGTERM) or use --force` });
      continue;
    }
    const journal = async (body: JournalEventBody) => {
      const e = await opts.sink.append(runId, scrubJson(body as never, secrets) as JournalEventBody);
      opts.onEvent?.(e);
    };
    let current: RunState = state as RunState;
    const to = async (next: RunState, reason: string) => {
      if (!canTransition(current, next)) return false;
      await journal({ type: 'transition', from: current, to: next, reason });
      current = next;
      return true;
    };
    const open = possiblyActive(records);
    await journal({ type: 'note', message: `recover: the process running this run stopped in state ${state}; ${open.length} fault record(s) to revert`, data: { by: 'recover', pid: process.pid, host: os.hostname() } });
    const policy = opts.policy ?? experiment?.spec.revert ?? defaultRevertPolicy;
    if (open.length === 0) {
      const reason = `interrupted in state ${state} (process died); nothing was active`;
      if (!(await to('failed', reason))) await to('reverting', reason).then(() => to('aborted', reason));
      await journal({ type: 'verdict', outcome: current === 'failed' ? 'failed' : 'aborted', reason, timings: timingsOf(events, clock) });
      out.push({ runId, experiment: name, previousState: state, action: 'nothing-to-revert', faults: [], detail: reason });
      continue;
    }
    if (current !== 'reverting') await to('reverting', 'recover: reverting faults left by a stopped process');
    const active: ActiveFault[] = open.map((r) => ({
      fault: r.fault, faultType: r.faultType, target: r.target, attempts: r.revertAttempts, params: r.params, ...(r.undo !== undefined ? { undo: r.undo } : {}),
    }));
    const left = await revertAll(active, { runId, policy, providers: opts.registry.faults, log, clock, journal, by: 'recover', secrets });
    const faults = active.map((a) => ({ fault: a.fault, target: a.target.name, reverted: !left.includes(a) }));
    if (left.length) {
      const reason = secrets.scrub(`recover could not revert ${left.map((l) => `"${l.fault}" on ${l.target.name}${l.lastError ? ` (last error: ${l.lastError})` : ''}`).join(', ')}; run recover again`);
      await to('revert-pending', reason);
      await journal({ type: 'verdict', outcome: 'revert-pending', reason, timings: timingsOf(events, clock) });
      out.push({ runId, experiment: name, previousState: state, action: 'revert-pending', faults, detail: reason });
    } else {
      const reason = `the process running it stopped in state ${state}; recover reverted ${active.length} fault record(s)`;
      await to('aborted', reason);
      await journal({ type: 'verdict', outcome: 'aborted', reason, timings: { ...timingsOf(events, clock), allRevertedAt: clock.now().toISOString() } });
      out.push({ runId, experiment: name, previousState: state, action: 'reverted', faults, detail: reason });
    }
  }
  return out;
}

function timingsOf(events: readonly JournalEvent[], clock: Clock) {
  const endedAt = clock.now().toISOString();
  const startedAt = events[0]?.at ?? endedAt;
  return { startedAt, endedAt, durationMs: Date.parse(endedAt) - Date.parse(startedAt) };
}

export interface SweptOrphan {
  kind: string;
  runId: string;
  faultName: string;
  description: string;
  removed: boolean;
  error?: string;
}

/**
 * Finds Faultline-tagged artefacts on every backend the journals mention and removes those whose run
 * is not active. `isActive(runId)` decides; by default a run is active when its journal is unfinished.
 * Pass `onlyKnownRuns` to leave artefacts of runs this journal has never seen (another installation's).
 */
export async function sweepOrphans(opts: {
  registry: Registry;
  source: JournalSource & { listRuns(): Promise<string[]> };
  log?: Logger;
  onlyKnownRuns?: boolean;
  timeoutMs?: number;
  extraTargets?: readonly Target[];
}): Promise<SweptOrphan[]> {
  const log = opts.log ?? silentLogger;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const all = await opts.source.listRuns();
  const unfinished = new Set(await opts.source.listUnfinishedRuns());
  const known = new Set(all);
  const targets = new Map<string, Target[]>();
  for (const t of opts.extraTargets ?? []) targets.set(t.kind, [...(targets.get(t.kind) ?? []), t]);
  for (const runId of all) {
    for (const e of await opts.source.read(runId)) {
      if (e.type === 'fault-injecting') targets.set(e.target.kind, [...(targets.get(e.target.kind) ?? []), e.target]);
    }
  }
  const swept: SweptOrphan[] = [];
  for (const [kind, ts] of targets) {
    const sweeper = opts.registry.sweepers.get(kind);
    if (!sweeper) continue;
    const ctl = new AbortController();
    const orphans = await withTimeout(`orphan sweep (${kind})`, timeoutMs, (signal) => sweeper.find(ts, { signal, log, timeoutMs }), ctl.signal);
    for (const o of orphans) {
      if (unfinished.has(o.runId)) continue;
      if (opts.onlyKnownRuns && !known.has(o.runId)) continue;
      try {
        await withTimeout(`removing ${o.description}`, timeoutMs, (signal) => o.remove({ signal, log, timeoutMs }));
        swept.push({ kind, runId: o.runId, faultName: o.faultName, description: o.description, removed: true });
      } catch (err) {
        swept.push({ kind, runId: o.runId, faultName: o.faultName, description: o.description, removed: false, error: (err as Error).message });
      }
    }
  }
  return swept;
}
