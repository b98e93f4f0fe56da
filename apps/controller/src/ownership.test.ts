import { afterEach, expect, it } from 'vitest';
import { createManualClock, createRegistry } from '@faultline/core';
import type { Store } from '@faultline/store';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { describeEachBackend } from '../../../packages/store/src/testing/backends.js';
import { experimentParser } from './experiment-parser.js';
import { RunHost } from './run-host.js';

// Run ownership between two controller replicas on one database (PostgreSQL in CI), driven by a manual
// clock: heartbeat and adoption scans are called by the test, so "replica A is paused" is exact.
const experiment = `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: hold }
spec:
  duration: 1h
  targets: { things: { fake: {} } }
  faults: [{ name: poke, type: fake.break, target: things }]
`;

const hosts: RunHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

async function until(what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what}: not reached`);
}

describeEachBackend('run ownership between controller replicas', ({ fresh }) => {
  it('a paused owner whose run was adopted stops touching it: no inject, revert or journal write after the adoption', async () => {
    const db = await fresh();
    const clock = createManualClock('2030-01-01T00:00:00Z');
    const backend = new FakeBackend();
    backend.addTargets(1);
    const registry = createRegistry([fakePlugin(backend)]);
    const replica = async (replicaId: string): Promise<{ store: Store; host: RunHost }> => {
      const store = await db.open({ clock });
      const host = new RunHost({ store, registry, clock, replicaId, ownerTtlMs: 10_000 });
      hosts.push(host);
      return { store, host };
    };
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    const { run } = await a.host.start({ experiment: await experimentParser(registry)(experiment, 'test'), source: 'api' });
    await until('fault injected by A', async () => (await a.store.getRun(run.runId))?.state === 'holding');
    expect(backend.active.size).toBe(1);

    // A renews in time: B's scan adopts nothing.
    clock.advance(6_000);
    await a.host.heartbeat();
    clock.advance(6_000);
    expect(await b.host.adoptionScan()).toEqual([]);
    expect(backend.active.size).toBe(1);

    // A is paused (no heartbeat) past its lease: B adopts and reverts.
    clock.advance(10_001);
    const [adopted] = await b.host.adoptionScan();
    expect(adopted).toMatchObject({ runId: run.runId, action: 'reverted', previousOwner: 'replica-a' });
    expect(backend.active.size).toBe(0);
    const after = await b.store.getRun(run.runId);
    expect(after).toMatchObject({ state: 'aborted', owner: { replica: 'replica-b', token: 2 } });
    expect(after?.reason).toBe(`replica replica-a stopped renewing its lease at 2030-01-01T00:00:06.000Z; adopted by replica-b; reverted 1 fault record(s) in ${/in (\d+) ms$/.exec(after!.reason!)![1]} ms`);
    const calls = backend.calls.length;
    const events = (await a.store.read(run.runId)).length;

    // A wakes up: its heartbeat finds the run lost; the run stops at its next (refused) journal write.
    await a.host.heartbeat();
    await until('A let go of the run', () => a.host.activeRunIds().length === 0);
    expect(backend.calls.length).toBe(calls);
    expect((await a.store.read(run.runId)).length).toBe(events);
    expect(a.host.ownedRunIds()).toEqual([]);
  });

  it('a starting replica\'s scan never adopts a run whose owner keeps renewing', async () => {
    const db = await fresh();
    const clock = createManualClock('2030-01-01T00:00:00Z');
    const backend = new FakeBackend();
    backend.addTargets(1);
    const registry = createRegistry([fakePlugin(backend)]);
    const storeA = await db.open({ clock });
    const a = new RunHost({ store: storeA, registry, clock, replicaId: 'replica-a', ownerTtlMs: 10_000 });
    hosts.push(a);
    const { run } = await a.start({ experiment: await experimentParser(registry)(experiment, 'test'), source: 'api' });
    await until('holding', async () => (await storeA.getRun(run.runId))?.state === 'holding');
    for (let i = 0; i < 5; i++) {
      clock.advance(5_000);
      await a.heartbeat();
      const b = new RunHost({ store: await db.open({ clock }), registry, clock, replicaId: `replica-b${i}`, ownerTtlMs: 10_000 });
      hosts.push(b);
      expect((await b.recoverAll()).recovered).toEqual([]);
    }
    expect(backend.active.size).toBe(1);
    expect(await storeA.getRun(run.runId)).toMatchObject({ state: 'holding', owner: { replica: 'replica-a', token: 1 } });
  });
});
