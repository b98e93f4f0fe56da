import os from 'node:os';
import {
  isOwnershipLost, canTransition, defaultRevertPolicy, isTerminal, possiblyActive, replayJournal, silentLogger, systemClock, withTimeout,
  type Clock,
  type JournalEvent, type JournalEventBody, type JournalSink, type JournalSource, type Logger, type Registry,
  type RevertPolicy, type RunState, type Target, type Orphan, type SecretResolver, scrubJson,
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
  /**
   * Why the run needs recovering, for its journal and verdict (e.g. "replica A stopped renewing its lease
   * at T; adopted by B"). Default: "the process running it stopped in state <state>".
   */
  cause?: (runId: string, state: RunState) => string;
  /** Resolves secret references again for the reverts. Default: env + file sources of this process. */
  secrets?: SecretResolver;
  /** What happens next to a run still revert-pending, for its reason. Default: "run recover again". */
  revertPendingNext?: string;
}

export interface RecoveredRun {
  runId: string;
  experiment: string;
  previousState: RunState;
  /** `error`: this run could not be examined or recovered (detail says why); it may still be active. */
  action: 'reverted' | 'nothing-to-revert' | 'revert-pending' | 'skipped-alive' | 'error';
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
    // Per-run isolation: one run that cannot be read or journaled never hides the others' results.
    try {
      const r = await recoverOne(runId, opts, log, clock, secrets);
      if (r) out.push(r);
    } catch (err) {
      if (isOwnershipLost(err)) throw err;
      log.error({ runId, err: (err as Error).message }, 'recover failed for this run');
      out.push({ runId, experiment: '(unknown experiment)', previousState: 'pending', action: 'error', faults: [], detail: secrets.scrub(`could not recover this run: ${(err as Error).message}`) });
    }
  }
  return out;
}

async function recoverOne(runId: string, opts: RecoverOptions, log: Logger, clock: Clock, secrets: SecretResolver): Promise<RecoveredRun | undefined> {
  {
    const events = await opts.source.read(runId);
    const { state, records, experiment } = replayJournal(events);
    if (isTerminal(state)) return undefined;
    const created = events.find((e) => e.type === 'run-created');
    const name = experiment?.metadata.name ?? '(unknown experiment)';
    if (!opts.force && created && created.type === 'run-created' && created.host === os.hostname() && created.pid !== process.pid && processAlive(created.pid)) {
      return { runId, experiment: name, previousState: state, action: 'skipped-alive', faults: [], detail: `still running in process ${created.pid}; stop it (it reverts on SIGINT/SIGTERM) or use --force` };
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
    const cause = opts.cause?.(runId, state) ?? `the process running it stopped in state ${state}`;
    await journal({ type: 'note', message: `recover: ${cause}; ${open.length} fault record(s) to revert`, data: { by: 'recover', pid: process.pid, host: os.hostname() } });
    const policy = opts.policy ?? experiment?.spec.revert ?? defaultRevertPolicy;
    if (open.length === 0) {
      const reason = opts.cause ? `${cause} in state ${state}; nothing was active` : `interrupted in state ${state} (process died); nothing was active`;
      if (!(await to('failed', reason))) await to('reverting', reason).then(() => to('aborted', reason));
      await journal({ type: 'verdict', outcome: current === 'failed' ? 'failed' : 'aborted', reason, timings: timingsOf(events, clock) });
      return { runId, experiment: name, previousState: state, action: 'nothing-to-revert', faults: [], detail: reason };
    }
    if (current !== 'reverting') await to('reverting', 'recover: reverting faults left by a stopped process');
    const active: ActiveFault[] = open.map((r) => ({
      fault: r.fault, faultType: r.faultType, target: r.target, attempts: r.revertAttempts, params: r.params, ...(r.undo !== undefined ? { undo: r.undo } : {}),
    }));
    const revertStarted = clock.monotonic();
    const left = await revertAll(active, { runId, policy, providers: opts.registry.faults, log, clock, journal, by: 'recover', secrets });
    const revertMs = Math.round(clock.monotonic() - revertStarted);
    const faults = active.map((a) => ({ fault: a.fault, target: a.target.name, reverted: !left.includes(a) }));
    if (left.length) {
      const reason = secrets.scrub(`recover could not revert ${left.map((l) => `"${l.fault}" on ${l.target.name}${l.lastError ? ` (last error: ${l.lastError})` : ''}`).join(', ')}; ${opts.revertPendingNext ?? 'run recover again'}`);
      await to('revert-pending', reason);
      await journal({ type: 'verdict', outcome: 'revert-pending', reason, timings: timingsOf(events, clock) });
      return { runId, experiment: name, previousState: state, action: 'revert-pending', faults, detail: reason };
    }
    const reason = opts.cause
      ? `${cause}; reverted ${active.length} fault record(s) in ${revertMs} ms`
      : `the process running it stopped in state ${state}; recover reverted ${active.length} fault record(s)`;
    await to('aborted', reason);
    await journal({ type: 'verdict', outcome: 'aborted', reason, timings: { ...timingsOf(events, clock), allRevertedAt: clock.now().toISOString() } });
    return { runId, experiment: name, previousState: state, action: 'reverted', faults, detail: reason };
  }
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

/** A backend the orphan sweep could not look at (best-effort: a warning naming the backend and its runs). */
export interface SweepWarning {
  kind: string;
  /** The target whose backend did not answer (its id names the backend, e.g. the Toxiproxy API URL). */
  backend: string;
  /** Runs whose journals name this backend. */
  runIds: string[];
  message: string;
}

/**
 * Finds Faultline-tagged artefacts on every backend the journals mention and removes those whose run
 * is not active. A run is active when its journal is unfinished.
 * Pass `onlyKnownRuns` to leave artefacts of runs this journal has never seen (another installation's).
 * Per-backend isolation: a backend that cannot be reached (a torn-down test environment) becomes a
 * warning via `onWarning` and never hides what the other backends yield.
 */
export async function sweepOrphans(opts: {
  registry: Registry;
  source: JournalSource & { listRuns(): Promise<string[]> };
  log?: Logger;
  onlyKnownRuns?: boolean;
  timeoutMs?: number;
  extraTargets?: readonly Target[];
  onWarning?: (w: SweepWarning) => void;
  /** Resolves secret references of swept backends (e.g. an Unleash token) at find and remove time. */
  secrets?: SecretResolver;
}): Promise<SweptOrphan[]> {
  const log = opts.secrets ? scrubbingLogger(opts.log ?? silentLogger, opts.secrets) : opts.log ?? silentLogger;
  const withSecrets = opts.secrets ? { secrets: opts.secrets } : {};
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const all = await opts.source.listRuns();
  const unfinished = new Set(await opts.source.listUnfinishedRuns());
  const known = new Set(all);
  /** target id -> the target and the runs naming it */
  const targets = new Map<string, { target: Target; runIds: Set<string> }>();
  const note = (t: Target, runId?: string) => {
    const entry = targets.get(t.id) ?? { target: t, runIds: new Set<string>() };
    if (runId) entry.runIds.add(runId);
    targets.set(t.id, entry);
  };
  for (const t of opts.extraTargets ?? []) note(t);
  for (const runId of all) {
    let events: JournalEvent[];
    try {
      events = await opts.source.read(runId);
    } catch (err) {
      opts.onWarning?.({ kind: 'journal', backend: `journal of run ${runId}`, runIds: [runId], message: (err as Error).message });
      continue;
    }
    for (const e of events) if (e.type === 'fault-injecting') note(e.target, runId);
  }
  const swept: SweptOrphan[] = [];
  const seen = new Set<string>();
  for (const { target, runIds } of targets.values()) {
    const sweeper = opts.registry.sweepers.get(target.kind);
    if (!sweeper) continue;
    let orphans: Orphan[];
    try {
      const ctl = new AbortController();
      orphans = await withTimeout(`orphan sweep (${target.kind})`, timeoutMs, (signal) => sweeper.find([target], { signal, log, timeoutMs, ...withSecrets }), ctl.signal);
    } catch (err) {
      const w = { kind: target.kind, backend: target.id, runIds: [...runIds].sort(), message: (err as Error).message };
      log.warn(w, 'orphan sweep could not reach a backend');
      opts.onWarning?.(w);
      continue;
    }
    for (const o of orphans) {
      const key = `${o.kind}\u0000${o.description}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (unfinished.has(o.runId)) continue;
      if (opts.onlyKnownRuns && !known.has(o.runId)) continue;
      try {
        await withTimeout(`removing ${o.description}`, timeoutMs, (signal) => o.remove({ signal, log, timeoutMs, ...withSecrets }));
        swept.push({ kind: o.kind, runId: o.runId, faultName: o.faultName, description: o.description, removed: true });
      } catch (err) {
        swept.push({ kind: o.kind, runId: o.runId, faultName: o.faultName, description: o.description, removed: false, error: (err as Error).message });
      }
    }
  }
  return swept;
}
