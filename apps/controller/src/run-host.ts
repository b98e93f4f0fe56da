import os from 'node:os';
import {
  ConflictError, NotFoundError, isOwnershipLost, isTerminal, newRunId, silentLogger, systemClock, type AbortSource, type Experiment,
  type JournalEvent, type JournalEventBody, type JournalSink, type Logger, type Registry, type Clock, type SecretResolver,
} from '@faultline/core';
import { Engine, forgetRun, recover, sweepOrphans, type ForgottenRun, type RecoveredRun, type RunHandle, type SweptOrphan } from '@faultline/engine';
import type { AdoptableRun, RunFence, RunRecord, RunSource, Store } from '@faultline/store';
import { RunEventBus } from './event-bus.js';
import type { ControllerMetrics } from './metrics.js';

export interface StartRunInput {
  experiment: Experiment;
  experimentVersion?: number;
  labels?: Record<string, string>;
  source: RunSource;
  idempotencyKey?: string;
  requestHash?: string;
  scheduleId?: string;
  fencingToken?: number;
}

export interface RunHostOptions {
  store: Store;
  registry: Registry;
  log?: Logger;
  metrics?: ControllerMetrics;
  /** How often revert-pending runs this replica owns are retried (ms, default 30 s). */
  revertRetryMs?: number;
  clock?: Clock;
  /** Unique per live controller process (default: hostname + random suffix). */
  replicaId?: string;
  /** Owner lease of each run this replica hosts (ms, default 15 s); renewed every third of it. */
  ownerTtlMs?: number;
  /** How often to look for runs whose owner stopped renewing (ms, default 5 s). */
  adoptEveryMs?: number;
  /** The controller's --allow-host list: notify webhooks and Grafana annotations of hosted runs may call only these. */
  allowHosts?: readonly string[];
  /**
   * Resolves `{ secretRef }` values at inject, at revert, in adoption/recovery and in orphan sweeps, each time
   * afresh (never persisted; values are scrubbed from journals and logs). Default: env + file of this process.
   */
  secrets?: SecretResolver;
  /** How often to sweep tagged leftovers of finished runs (Unleash marker flags, Kubernetes state annotations…), ms; 0 = only at start-up. Default 5 min. */
  sweepEveryMs?: number;
}

/** What a replica did with one run it adopted. */
export interface AdoptedRun extends RecoveredRun {
  previousOwner?: string;
}

/** A run this replica owns: hosted live, being adopted, or revert-pending and retried here. */
interface Owned {
  token: number;
  handle?: RunHandle;
  /** Revert-pending only: failed background retries so far, and when (monotonic ms) the next is due. */
  retries?: number;
  nextRetryAt?: number;
  /** An operator is forgetting the run: background retries leave it alone. */
  forgetting?: boolean;
}

/**
 * Hosts runs inside the controller: the same engine as the CLI, journaling into the store.
 *
 * Across replicas (issue 14): every run it starts is owned by this replica (owner lease + fencing token
 * in the store). A heartbeat renews the leases; an adoption scan takes over runs whose owner stopped
 * renewing (one conditional UPDATE that bumps the token) and reverts them from the journal. Every journal
 * write is fenced by the token, so a replica that lost a run (paused past its lease) stops touching it
 * at its next write. Revert-pending runs stay owned and are retried here until clean.
 */
/** How a hosted run's revert-pending reason ends: the owner keeps retrying; an operator can forget it. */
const REVERT_PENDING_NEXT = 'the controller keeps retrying in the background with backoff (`faultline recover --server URL --forget RUN` once the backend is gone for good)';

export class RunHost {
  readonly bus = new RunEventBus();
  readonly replicaId: string;
  readonly ownerTtlMs: number;
  readonly adoptEveryMs: number;
  private readonly owned = new Map<string, Owned>();
  private readonly engine: Engine;
  private readonly clock: Clock;
  private readonly log: Logger;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private adoptTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<AdoptedRun[]> | undefined;
  private closed = false;

  constructor(private readonly deps: RunHostOptions) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? silentLogger;
    this.replicaId = deps.replicaId ?? `${os.hostname()}-${newRunId().slice(-6)}`;
    this.ownerTtlMs = deps.ownerTtlMs ?? 15_000;
    this.adoptEveryMs = deps.adoptEveryMs ?? 5_000;
    this.engine = new Engine({
      registry: deps.registry,
      journal: this.fencedSink(),
      log: this.log,
      onEvent: (e) => this.onEvent(e),
      clock: this.clock,
      ...(deps.allowHosts ? { allowHosts: deps.allowHosts } : {}),
      ...(deps.secrets ? { secrets: deps.secrets } : {}),
      revertPendingNext: REVERT_PENDING_NEXT,
    });
  }

  /** The store as a journal sink whose writes carry this replica's fence for runs it owns. */
  private fencedSink(): JournalSink {
    return { append: (runId: string, body: JournalEventBody) => this.deps.store.append(runId, body, this.fenceOf(runId)) };
  }

  private fenceOf(runId: string): RunFence {
    const o = this.owned.get(runId);
    // Not owned here: a token no run has, so the store refuses the write (RunOwnershipLostError).
    return { replica: this.replicaId, token: o ? o.token : -1 };
  }

  private onEvent(e: JournalEvent): void {
    this.deps.metrics?.observe(e);
    this.bus.publish(e);
  }

  /** Starts a run (or returns the one an Idempotency-Key already created). Refuses while halted. */
  async start(input: StartRunInput): Promise<{ run: RunRecord; created: boolean }> {
    if (this.closed) throw new ConflictError('the controller is shutting down; submit the run again in a moment');
    const newRun = {
      experiment: input.experiment.metadata.name,
      labels: { ...input.experiment.metadata.labels, ...(input.labels ?? {}) },
      source: input.source,
      owner: { replica: this.replicaId, ttlMs: this.ownerTtlMs },
      ...(input.experimentVersion !== undefined ? { experimentVersion: input.experimentVersion } : {}),
      ...(input.scheduleId ? { scheduleId: input.scheduleId } : {}),
      ...(input.fencingToken !== undefined ? { fencingToken: input.fencingToken } : {}),
    };
    const halt = await this.deps.store.getHalt();
    if (halt.halted) {
      throw new ConflictError(`a global halt is active (${halt.reason ?? 'no reason given'}${halt.by ? `, by ${halt.by}` : ''}); no new runs start until it is lifted with DELETE /v1/halt`);
    }
    const created = input.idempotencyKey
      ? await this.deps.store.createRunIdempotent({ key: input.idempotencyKey, requestHash: input.requestHash ?? '', run: newRun })
      : { run: await this.deps.store.createRun(newRun), created: true };
    if (!created.created) return created;
    const owned: Owned = { token: created.run.owner?.token ?? 1 };
    this.owned.set(created.run.runId, owned);
    const handle = this.engine.start(input.experiment, { runId: created.run.runId, source: input.source });
    owned.handle = handle;
    this.deps.metrics?.runStarted();
    void handle.done.then((result) => {
      delete owned.handle;
      // revert-pending: still owned (renewed) and retried here; anything else is over.
      if (result.outcome !== 'revert-pending' && this.owned.get(handle.runId) === owned) this.owned.delete(handle.runId);
      this.updatePendingMetric();
    }).finally(() => this.deps.metrics?.runEnded());
    return { run: (await this.deps.store.getRun(handle.runId)) ?? created.run, created: true };
  }

  /** The live handle of a run hosted here (game days wait on it); undefined when it is not active here. */
  handle(runId: string): RunHandle | undefined {
    return this.owned.get(runId)?.handle;
  }

  isActive(runId: string): boolean {
    return this.owned.get(runId)?.handle !== undefined;
  }

  activeRunIds(): string[] {
    return [...this.owned.entries()].filter(([, o]) => o.handle).map(([id]) => id);
  }

  /** Runs this replica owns (hosted, being adopted or revert-pending), for the heartbeat and tests. */
  ownedRunIds(): string[] {
    return [...this.owned.keys()];
  }

  /** Asks a run to abort; it reverts before it ends. NotFoundError if not active here, ConflictError if finished. */
  async abort(runId: string, reason: string, source: AbortSource = 'api'): Promise<void> {
    const h = this.owned.get(runId)?.handle;
    if (h) {
      h.abort(reason, source);
      return;
    }
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new NotFoundError(`run ${runId} does not exist`);
    if (isTerminal(run.state)) throw new ConflictError(`run ${runId} already ended (${run.state}); nothing to abort`);
    throw new ConflictError(`run ${runId} is ${run.state} but not hosted by this controller replica (${this.replicaId}); its owner is ${run.owner?.replica ?? 'none'}: abort it there`);
  }

  /** Aborts every active run and waits until each has reverted (halt, shutdown). */
  async abortAll(reason: string, source: AbortSource): Promise<void> {
    const handles = [...this.owned.values()].flatMap((o) => (o.handle ? [o.handle] : []));
    for (const h of handles) h.abort(reason, source);
    await Promise.all(handles.map((h) => h.done));
  }

  /**
   * Start-up: adopts runs whose owner's lease has expired (a crashed predecessor, a dead replica) and
   * reverts them from the journal, then sweeps tagged leftovers of finished runs. Runs whose owner is
   * alive (renewing) are not touched.
   */
  async recoverAll(): Promise<{ recovered: AdoptedRun[]; swept: SweptOrphan[] }> {
    const recovered = await this.adoptionScan();
    const swept = await this.sweepLeftovers();
    return { recovered, swept };
  }

  /**
   * Sweeps tagged leftovers of runs nobody alive owns (an Unleash marker flag, a Kubernetes state annotation,
   * a toxic) on every backend the journals name: runs that are still unfinished are left to their owner or
   * to adoption; only artefacts of finished runs this store knows are reverted/removed. Best-effort.
   */
  async sweepLeftovers(): Promise<SweptOrphan[]> {
    const store = this.deps.store;
    return sweepOrphans({
      registry: this.deps.registry,
      source: {
        read: (id) => store.read(id),
        listUnfinishedRuns: () => store.listUnfinishedRuns(),
        listRuns: async () => {
          const ids: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.listRuns({ limit: 500, ...(cursor ? { cursor } : {}) });
            ids.push(...page.runs.map((r) => r.runId));
            cursor = page.nextCursor;
          } while (cursor && ids.length < 10_000);
          return ids;
        },
      },
      onlyKnownRuns: true,
      log: this.log,
      ...(this.deps.secrets ? { secrets: this.deps.secrets } : {}),
      onWarning: (w) => this.log.warn({ ...w }, `orphan sweep could not check ${w.backend} (runs ${w.runIds.join(', ')})`),
    }).catch((err) => {
      this.log.warn({ err: (err as Error).message }, 'orphan sweep failed; will retry at the next sweep');
      return [] as SweptOrphan[];
    });
  }

  /** One pass: adopt every run whose owner's lease expired and revert it. Never runs twice at once. */
  adoptionScan(): Promise<AdoptedRun[]> {
    this.scanning ??= this.scanOnce().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<AdoptedRun[]> {
    const out: AdoptedRun[] = [];
    if (this.closed) return out;
    for (const candidate of await this.deps.store.listAdoptableRuns()) {
      if (this.closed) break;
      const adopted = await this.adopt(candidate);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  private async adopt(c: AdoptableRun): Promise<AdoptedRun | undefined> {
    const won = await this.deps.store.adoptRun({ runId: c.runId, replica: this.replicaId, expectedToken: c.token, ttlMs: this.ownerTtlMs });
    if (!won) return undefined; // another replica was faster, or the owner renewed in time
    const stale = this.owned.get(c.runId);
    stale?.handle?.abort(`replica ${this.replicaId} re-adopted this run after its own lease expired`, 'error');
    const owned: Owned = { token: won.token };
    this.owned.set(c.runId, owned);
    this.deps.metrics?.runAdopted();
    const cause = c.owner
      ? `replica ${c.owner.replica} stopped renewing its lease at ${c.owner.renewedAt ?? '(never renewed)'}; adopted by ${this.replicaId}`
      : `the run had no owner (started by an older controller or a process that is gone); adopted by ${this.replicaId}`;
    this.log.warn({ runId: c.runId, previousOwner: c.owner?.replica, token: won.token }, cause);
    const [r] = await this.recoverOwned([c.runId], () => cause);
    if (!r) {
      this.owned.delete(c.runId);
      return undefined;
    }
    return { ...r, ...(c.owner ? { previousOwner: c.owner.replica } : {}) };
  }

  /** Reverts owned runs from their journals under this replica's fence; keeps revert-pending ones owned. */
  private async recoverOwned(runIds: string[], cause?: (runId: string) => string): Promise<RecoveredRun[]> {
    let results: RecoveredRun[];
    try {
      results = await recover({
        registry: this.deps.registry, source: this.deps.store, sink: this.fencedSink(), force: true, runIds, clock: this.clock,
        onEvent: (e) => this.onEvent(e), log: this.log, ...(cause ? { cause: (id) => cause(id) } : {}), ...(this.deps.secrets ? { secrets: this.deps.secrets } : {}),
        revertPendingNext: REVERT_PENDING_NEXT,
      });
    } catch (err) {
      if (!isOwnershipLost(err)) throw err;
      this.log.warn({ runIds, err: (err as Error).message }, 'lost ownership while recovering; the new owner continues');
      for (const id of runIds) this.owned.delete(id);
      return [];
    }
    for (const r of results) if (r.action !== 'revert-pending') this.owned.delete(r.runId);
    for (const id of runIds) if (!results.some((r) => r.runId === id)) this.owned.delete(id); // already finished
    this.updatePendingMetric();
    return results;
  }

  /**
   * `--forget` for a run hosted by the controllers (its backend is gone for good): journals who and why
   * (`forced`), ends the run `failed`, never touches a backend. Allowed for a run this replica owns and does
   * not host live (revert-pending here), or whose owner's lease has expired (adopted first, atomically, so
   * no other replica retries it meanwhile). Refused while another replica's lease is alive, and for a run
   * running here (abort it instead).
   */
  async forget(runId: string, reason: string, by: string): Promise<ForgottenRun> {
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new NotFoundError(`run ${runId} does not exist`);
    if (isTerminal(run.state)) throw new ConflictError(`run ${runId} already ended (${run.state}); there is nothing to forget`);
    let owned = this.owned.get(runId);
    if (owned?.handle) {
      throw new ConflictError(`run ${runId} is running on this replica (${this.replicaId}, state ${run.state}); abort it (POST /v1/runs/${runId}/abort) instead of forgetting it`);
    }
    if (!owned) {
      const won = await this.deps.store.adoptRun({ runId, replica: this.replicaId, expectedToken: run.owner?.token ?? 0, ttlMs: this.ownerTtlMs });
      if (!won) {
        throw new ConflictError(`run ${runId} is owned by replica ${run.owner?.replica ?? '(unknown)'}, whose lease is alive${run.owner?.expiresAt ? ` (until ${run.owner.expiresAt})` : ''}; it is still running or retrying its revert there`, {
          hint: `Ask that replica (forget there, or abort the run), or wait until its lease expires: a live owner may still revert the run.`,
        });
      }
      owned = { token: won.token };
      this.owned.set(runId, owned);
    }
    owned.forgetting = true;
    try {
      return await forgetRun({ source: this.deps.store, sink: this.fencedSink(), runId, reason, by, clock: this.clock, onEvent: (e) => this.onEvent(e) });
    } finally {
      if (this.owned.get(runId) === owned) this.owned.delete(runId);
      this.updatePendingMetric();
    }
  }

  /** Renews the owner lease of every run this replica owns; runs it lost are told to stop. */
  async heartbeat(): Promise<void> {
    const runs = [...this.owned.entries()].map(([runId, o]) => ({ runId, token: o.token }));
    if (runs.length === 0) return;
    const renewed = new Set(await this.deps.store.renewRunOwnership(this.replicaId, runs, this.ownerTtlMs));
    for (const { runId, token } of runs) {
      if (renewed.has(runId)) continue;
      const o = this.owned.get(runId);
      if (!o || o.token !== token) continue;
      this.log.warn({ runId, token }, 'lost ownership of a run (lease expired or adopted by another replica); it stops at its next journal write');
      // The run's next journal write is refused (fenced), so it stops without touching the backend.
      o.handle?.abort(`replica ${this.replicaId} lost ownership of the run`, 'error');
      if (!o.handle) this.owned.delete(runId);
    }
  }

  /** Starts the heartbeat, the continuous adoption scan and the revert-pending retries. */
  startBackgroundWork(): void {
    const repeat = (every: number, what: string, fn: () => Promise<unknown>, set: (t: NodeJS.Timeout) => void) => {
      const tick = async () => {
        try {
          await fn();
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, `${what} failed; trying again in ${every}ms`);
        }
        if (!this.closed) {
          const t = setTimeout(tick, every);
          t.unref();
          set(t);
        }
      };
      const t = setTimeout(tick, every);
      t.unref();
      set(t);
    };
    repeat(Math.max(50, Math.floor(this.ownerTtlMs / 3)), 'owner lease heartbeat', () => this.heartbeat(), (t) => (this.heartbeatTimer = t));
    repeat(this.adoptEveryMs, 'adoption scan', () => this.adoptionScan(), (t) => (this.adoptTimer = t));
    repeat(this.deps.revertRetryMs ?? 30_000, 'revert retry', () => this.retryPending(), (t) => (this.retryTimer = t));
    const sweepEvery = this.deps.sweepEveryMs ?? 300_000;
    if (sweepEvery > 0) {
      repeat(sweepEvery, 'orphan sweep', async () => {
        for (const s of await this.sweepLeftovers()) this.log.warn({ runId: s.runId, removed: s.removed, err: s.error }, `swept leftover: ${s.description}`);
      }, (t) => (this.sweepTimer = t));
    }
    this.updatePendingMetric();
  }

  /**
   * Retries the revert of revert-pending runs this replica owns and no longer hosts live, each with its
   * own exponential backoff (revertRetryMs, doubling up to 16x). `force` ignores the backoff (tests, admin).
   */
  async retryPending(force = false): Promise<RecoveredRun[]> {
    const now = this.clock.monotonic();
    const due = [...this.owned.entries()].filter(([, o]) => !o.handle && !o.forgetting && (force || (o.nextRetryAt ?? 0) <= now));
    if (due.length === 0) return [];
    const results = await this.recoverOwned(due.map(([id]) => id), (id) => {
      const n = (this.owned.get(id)?.retries ?? 0) + 1;
      return `revert-pending run retried by its owner, replica ${this.replicaId} (background retry ${n})`;
    });
    const base = this.deps.revertRetryMs ?? 30_000;
    for (const [id, o] of due) {
      if (this.owned.get(id) !== o) continue; // reverted (or lost): nothing to schedule
      o.retries = (o.retries ?? 0) + 1;
      o.nextRetryAt = this.clock.monotonic() + base * 2 ** Math.min(o.retries - 1, 4);
      this.log.warn({ runId: id, retries: o.retries, nextInMs: o.nextRetryAt - this.clock.monotonic() }, 'revert still pending; retrying with backoff');
    }
    return results;
  }

  /** Runs owned here that are waiting for a revert to succeed. */
  revertPendingRunIds(): string[] {
    return [...this.owned.entries()].filter(([, o]) => !o.handle).map(([id]) => id);
  }

  private updatePendingMetric(): void {
    this.deps.metrics?.setRevertPending(this.revertPendingRunIds().length);
  }

  /**
   * Graceful shutdown (SIGTERM, rolling update): refuse new runs, abort and revert every run hosted here
   * (the reason names this replica and the signal). Runs whose revert could not finish (backend down) are
   * handed over: their lease is released so a live replica adopts them at its next scan and keeps retrying.
   */
  async close(reason = `controller replica ${this.replicaId} shutting down (SIGTERM); its runs are aborted and reverted before it exits`): Promise<void> {
    this.closed = true;
    clearTimeout(this.adoptTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.sweepTimer);
    await this.scanning?.catch(() => undefined);
    await this.abortAll(reason, 'signal');
    clearTimeout(this.heartbeatTimer);
    for (const [runId, o] of [...this.owned.entries()]) {
      await this.deps.store.releaseRunOwnership(runId, { replica: this.replicaId, token: o.token })
        .catch((err) => this.log.warn({ runId, err: (err as Error).message }, 'could not hand the run over; another replica adopts it when the lease expires'));
      this.log.warn({ runId }, 'handed a revert-pending run over to the other replicas');
      this.owned.delete(runId);
    }
  }
}
