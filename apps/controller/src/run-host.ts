import {
  ConflictError, NotFoundError, isTerminal, silentLogger, type AbortSource, type Experiment, type JournalEvent, type Logger,
  type Registry, type Clock,
} from '@faultline/core';
import { Engine, recover, sweepOrphans, type RecoveredRun, type RunHandle, type SweptOrphan } from '@faultline/engine';
import type { RunRecord, RunSource, Store } from '@faultline/store';
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

/**
 * Hosts runs inside the controller: the same engine as the CLI, journaling into the store.
 * Knows which runs are active in this process, aborts them (one run, all on halt, all on shutdown),
 * and keeps retrying revert-pending runs in the background until they are clean.
 */
export class RunHost {
  readonly bus = new RunEventBus();
  private readonly active = new Map<string, RunHandle>();
  private readonly engine: Engine;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: { store: Store; registry: Registry; log?: Logger; metrics?: ControllerMetrics; revertRetryMs?: number; clock?: Clock }) {
    this.engine = new Engine({
      registry: deps.registry,
      journal: deps.store,
      log: deps.log ?? silentLogger,
      onEvent: (e) => this.onEvent(e),
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
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
    const handle = this.engine.start(input.experiment, { runId: created.run.runId, source: input.source });
    this.active.set(handle.runId, handle);
    this.deps.metrics?.runStarted();
    void handle.done.finally(() => {
      this.active.delete(handle.runId);
      this.deps.metrics?.runEnded();
    });
    return { run: (await this.deps.store.getRun(handle.runId)) ?? created.run, created: true };
  }

  /** The live handle of a run hosted here (game days wait on it); undefined when it is not active here. */
  handle(runId: string): RunHandle | undefined {
    return this.active.get(runId);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  /** Asks a run to abort; it reverts before it ends. NotFoundError if not active here, ConflictError if finished. */
  async abort(runId: string, reason: string, source: AbortSource = 'api'): Promise<void> {
    const h = this.active.get(runId);
    if (h) {
      h.abort(reason, source);
      return;
    }
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new NotFoundError(`run ${runId} does not exist`);
    if (isTerminal(run.state)) throw new ConflictError(`run ${runId} already ended (${run.state}); nothing to abort`);
    throw new ConflictError(`run ${runId} is ${run.state} but not hosted by this controller replica; abort it where it runs`);
  }

  /** Aborts every active run and waits until each has reverted (halt, shutdown). */
  async abortAll(reason: string, source: AbortSource): Promise<void> {
    const handles = [...this.active.values()];
    for (const h of handles) h.abort(reason, source);
    await Promise.all(handles.map((h) => h.done));
  }

  /** Reverts what unfinished journals show (runs of a crashed predecessor), then sweeps tagged leftovers. */
  async recoverAll(): Promise<{ recovered: RecoveredRun[]; swept: SweptOrphan[] }> {
    const store = this.deps.store;
    const mine = new Set(this.active.keys());
    const unfinished = (await store.listUnfinishedRuns()).filter((id) => !mine.has(id));
    const recovered = await recover({ registry: this.deps.registry, source: store, sink: store, force: true, runIds: unfinished, ...(this.deps.clock ? { clock: this.deps.clock } : {}), onEvent: (e) => this.onEvent(e), ...(this.deps.log ? { log: this.deps.log } : {}) });
    const swept = await sweepOrphans({
      registry: this.deps.registry,
      source: {
        read: (id) => store.read(id),
        listUnfinishedRuns: async () => [...(await store.listUnfinishedRuns()), ...mine],
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
      ...(this.deps.log ? { log: this.deps.log } : {}),
    }).catch((err) => {
      this.deps.log?.warn({ err: (err as Error).message }, 'orphan sweep failed; will retry at the next start');
      return [] as SweptOrphan[];
    });
    return { recovered, swept };
  }

  /** Background retries for revert-pending runs (the engine's own attempts ran out). */
  startRevertRetries(): void {
    const every = this.deps.revertRetryMs ?? 30_000;
    const tick = async () => {
      try {
        const pending = await this.deps.store.listRuns({ state: 'revert-pending', limit: 100 });
        const ids = pending.runs.map((r) => r.runId).filter((id) => !this.active.has(id));
        if (ids.length) await recover({ registry: this.deps.registry, source: this.deps.store, sink: this.deps.store, force: true, runIds: ids, onEvent: (e) => this.onEvent(e) });
      } catch (err) {
        this.deps.log?.warn({ err: (err as Error).message }, 'revert retry failed; trying again later');
      }
      if (!this.closed) this.retryTimer = setTimeout(tick, every);
    };
    this.retryTimer = setTimeout(tick, every);
  }

  /** Graceful shutdown: refuse new runs, abort and revert active ones. */
  async close(reason = 'controller shutting down (SIGTERM)'): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.abortAll(reason, 'signal');
  }
}
