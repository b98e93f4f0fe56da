import { EventEmitter } from 'node:events';
import { ConflictError, InternalError, NotFoundError, type Clock, type Logger, type Registry } from '@faultline/core';
import type { RunHandle } from '@faultline/engine';
import { DayRunner, MemoryDayJournal, type DayEvent, type DayJournal, type DayResult, type GameDay } from '@faultline/gameday';
import type { RunHost } from './run-host.js';

/**
 * Hosts game days on the controller: each experiment step is a run of the RunHost (journaled in the
 * store like any run, reverted by the controller's crash recovery), the day's own events go to a
 * DayJournal and are published for SSE. Participants add notes; the facilitator answers gates.
 */
export class GameDayHost {
  private readonly emitter = new EventEmitter();
  private readonly days = new Map<string, { runner: DayRunner; day: GameDay; done?: DayResult }>();

  readonly journal: DayJournal;

  constructor(private readonly deps: { runHost: RunHost; registry: Registry; journal?: DayJournal; clock?: Clock; log?: Logger }) {
    this.emitter.setMaxListeners(0);
    this.journal = deps.journal ?? new MemoryDayJournal(deps.clock);
  }

  start(day: GameDay, opts: { unattended: boolean; by: string }): DayRunner {
    const runner = new DayRunner({
      day, journal: this.journal, registry: this.deps.registry, unattended: opts.unattended, source: `api (${opts.by})`,
      ...(this.deps.clock ? { clock: this.deps.clock } : {}), ...(this.deps.log ? { log: this.deps.log } : {}),
      startRun: async (experiment, o): Promise<RunHandle> => {
        const { run } = await this.deps.runHost.start({ experiment, source: 'api', labels: { 'faultline.dev/gameday': day.metadata.name, 'faultline.dev/gameday-step': String(o.step + 1) } });
        const handle = this.deps.runHost.handle(run.runId);
        if (!handle) throw new InternalError(`run ${run.runId} of a game-day step is not hosted here`);
        return handle;
      },
      onEvent: (e) => this.emitter.emit(e.dayId, e),
    });
    const entry: { runner: DayRunner; day: GameDay; done?: DayResult } = { runner, day };
    this.days.set(runner.dayId, entry);
    void runner.done.then((r) => { entry.done = r; });
    return runner;
  }

  get(dayId: string): { runner: DayRunner; day: GameDay; done?: DayResult } {
    const d = this.days.get(dayId);
    if (!d) throw new NotFoundError(`game day ${dayId} is not hosted by this controller`, { hint: 'list them with GET /v1/gamedays' });
    return d;
  }

  /** The running day, or ConflictError when it already ended. */
  running(dayId: string): DayRunner {
    const d = this.get(dayId);
    if (d.done) throw new ConflictError(`game day ${dayId} already ended ${d.done.outcome}`);
    return d.runner;
  }

  list(): { dayId: string; name: string; finished: boolean; outcome?: string }[] {
    return [...this.days.entries()].map(([dayId, d]) => ({ dayId, name: d.day.metadata.name, finished: Boolean(d.done), ...(d.done ? { outcome: d.done.outcome } : {}) }));
  }

  subscribe(dayId: string, fn: (e: DayEvent) => void): () => void {
    this.emitter.on(dayId, fn);
    return () => this.emitter.off(dayId, fn);
  }

  /** Shutdown: halt every running day (their runs revert) and wait for them. */
  async close(reason = 'controller shutting down'): Promise<void> {
    const running = [...this.days.values()].filter((d) => !d.done);
    for (const d of running) d.runner.interruptBySignal(reason);
    await Promise.all(running.map((d) => d.runner.done));
  }
}
