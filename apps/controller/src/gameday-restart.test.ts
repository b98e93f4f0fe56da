import { afterEach, expect, it } from 'vitest';
import { ConflictError, createManualClock, createRegistry, type Registry } from '@faultline/core';
import { parseGameDay, replayDay, resolveGameDay, type GameDay } from '@faultline/gameday';
import type { Store } from '@faultline/store';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { describeEachBackend } from '../../../packages/store/src/testing/backends.js';
import { GameDayHost } from './gameday-host.js';
import { RunHost } from './run-host.js';

// A controller replica that goes away mid-step (no heartbeat, no close: what SIGKILL leaves) and another
// one (or the restarted controller) on the same database, driven by a manual clock.
const dayFile = `apiVersion: faultline.dev/v1
kind: GameDay
metadata: { name: restartable, facilitator: alice }
spec:
  steps:
    - title: Hold a fault
      experiment:
        inline:
          apiVersion: faultline.dev/v1
          kind: Experiment
          metadata: { name: hold }
          spec:
            duration: 1h
            targets: { things: { fake: {} } }
            faults: [{ name: poke, type: fake.break, target: things }]
    - title: Go on?
      gate: { question: Go on?, default: go }
`;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function until(what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what}: not reached`);
}

async function loadDay(registry: Registry): Promise<GameDay> {
  return resolveGameDay(parseGameDay(dayFile, { file: 'day.yaml', registry }), { file: 'day.yaml', registry, readText: () => Promise.reject(new Error('the day has no file steps')) });
}

describeEachBackend('controller game days across a restart', ({ fresh }) => {
  it('a day whose controller vanished mid-step shows where it stopped, its run is reverted by adoption, and another replica resumes it; the vanished one can no longer write', async () => {
    const db = await fresh();
    const clock = createManualClock('2030-01-01T00:00:00Z');
    const backend = new FakeBackend();
    backend.addTargets(1);
    const registry = createRegistry([fakePlugin(backend)]);
    const replica = async (replicaId: string): Promise<{ store: Store; runs: RunHost; days: GameDayHost }> => {
      const store = await db.open({ clock });
      const runs = new RunHost({ store, registry, clock, replicaId, ownerTtlMs: 10_000 });
      const days = new GameDayHost({ runHost: runs, registry, store, clock });
      closers.push(async () => {
        await days.close();
        await runs.close();
      });
      return { store, runs, days };
    };
    const a = await replica('replica-a');
    const runnerA = await a.days.start(await loadDay(registry), { unattended: true, by: 'alice' });
    const dayId = runnerA.dayId;
    await until('fault injected by A', () => backend.active.size === 1);
    await until('step 1 holding', async () => (await a.days.describe(dayId)).status.runState === 'holding');

    // A is alive: B can neither resume nor take notes for the day.
    const b = await replica('replica-b');
    expect((await b.days.list()).find((d) => d.dayId === dayId)).toMatchObject({ state: 'running', driver: 'replica-a', finished: false, hostedHere: false });
    await expect(b.days.resume(dayId, { decision: 'continue', by: 'alice' })).rejects.toThrow(/driven by replica replica-a/);
    await expect(b.days.running(dayId)).rejects.toBeInstanceOf(ConflictError);

    // A vanishes (no heartbeat) past its leases: the day is stopped, at step 1, with its run.
    clock.advance(10_001);
    const stopped = await b.days.describe(dayId);
    expect(stopped).toMatchObject({ state: 'stopped', status: { step: 0, kind: 'experiment', finished: false } });
    const runId = stopped.status.runId as string;
    expect((await b.days.list()).find((d) => d.dayId === dayId)).toMatchObject({ state: 'stopped', finished: false });
    const refused = await b.days.running(dayId).catch((e: unknown) => e as ConflictError);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).hint).toContain(`POST /v1/gamedays/${dayId}/resume`);

    // The facilitator resumes on B: adoption reverts the run first, then the day goes on from step 2.
    const runnerB = await b.days.resume(dayId, { decision: 'continue', by: 'alice' });
    expect(backend.active.size).toBe(0);
    expect(await b.store.getRun(runId)).toMatchObject({ state: 'aborted', owner: { replica: 'replica-b' } });
    const result = await runnerB.done;
    expect(result.outcome).toBe('failed'); // step 1 was aborted, not completed as expected
    const events = (await b.days.describe(dayId)).events;
    expect(events.find((e) => e.type === 'step-ended' && e.step === 0)).toMatchObject({ status: 'aborted', by: 'recover', runId });
    expect(events.find((e) => e.type === 'resumed')).toMatchObject({ decision: 'continue', fromStep: 1, by: 'alice', recovered: [{ step: 0, runId, action: 'reverted' }] });
    expect(events.find((e) => e.type === 'gate-answered')).toMatchObject({ step: 1, answer: 'go', defaulted: 'unattended' });
    expect(replayDay(events).ended?.outcome).toBe('failed');
    expect(await b.store.getGameDay(dayId)).toMatchObject({ state: 'ended', outcome: 'failed' });

    // A wakes up: it lost its run and its day; its runner stops without writing to the day's journal.
    const count = events.length;
    await a.runs.heartbeat();
    await a.days.heartbeat();
    const resultA = await runnerA.done;
    expect(resultA.outcome).toBe('aborted');
    expect(resultA.reason).toMatch(/could not continue/);
    expect((await b.store.readDayEvents(dayId)).length).toBe(count);
    expect(backend.active.size).toBe(0);
    await expect(b.days.resume(dayId, { decision: 'continue', by: 'alice' })).rejects.toThrow(/already ended failed/);
  });
});
