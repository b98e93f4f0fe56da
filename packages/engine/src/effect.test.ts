import { describe, expect, it } from 'vitest';
import { createRegistry, judgeEffect, type FaultEffect, type FaultProvider, type Json } from '@faultline/core';
import { experiment, FakeBackend, fakeFaultProvider, fakePlugin, MemoryJournal, scriptedProbe } from '@faultline/testing';
import { Engine } from './index.js';

/**
 * The fake fault with a `verify` that reads the backend: the "measured" value is the asked level
 * while the fault is active on a target that honours it, and 0 on a target that absorbs it (as a
 * CNI that makes netem a no-op would). So the flag follows the real state, not a scripted answer.
 */
function measuredFault(backend: FakeBackend, absorbing: Set<string>): FaultProvider<{ level?: number }, Json> {
  const base = fakeFaultProvider(backend, 'fake.measured');
  return {
    ...base,
    async verify(target, _undo, params, ctx): Promise<FaultEffect> {
      const asked = params.level ?? 10;
      const active = backend.active.has(`${target.id}|faultline-${ctx.runId}-${ctx.faultName}`);
      const measured = active && !absorbing.has(target.id) ? asked : 0;
      const status = judgeEffect(asked, measured);
      return { status, metric: 'rtt-ms', asked, measured, detail: `${status}: asked ${asked} ms, measured ${measured} ms` };
    },
  };
}

function setup(absorbing: string[]) {
  const backend = new FakeBackend();
  backend.addTargets(2);
  const journal = new MemoryJournal();
  const registry = createRegistry([fakePlugin(backend, { probes: [scriptedProbe('ok', () => ({ value: 'ok' }))], faults: [measuredFault(backend, new Set(absorbing))] })]);
  return { backend, journal, engine: new Engine({ registry, journal }) };
}

const exp = () => experiment({ steadyState: [{}], faults: [{ name: 'slow', type: 'fake.measured', with: { level: 50 } }] });

describe('fault effect (FaultProvider.verify)', () => {
  it('journals the effect of every target while the fault is active; all effective: a plain completed verdict', async () => {
    const { journal, engine } = setup([]);
    const run = engine.start(exp());
    const result = await run.done;
    expect(result).toMatchObject({ outcome: 'completed' });
    expect(result.ineffective).toBeUndefined();
    expect(result.reason).not.toMatch(/INEFFECTIVE/);
    const events = journal.events(run.runId);
    const effects = events.filter((e) => e.type === 'fault-effect');
    expect(effects).toHaveLength(2);
    expect(effects.every((e) => e.type === 'fault-effect' && e.effect.status === 'effective' && e.effect.measured === 50)).toBe(true);
    // measured after the inject was journaled and before the hold
    const order = events.map((e) => (e.type === 'transition' ? `->${e.to}` : e.type));
    expect(order.lastIndexOf('fault-effect')).toBeLessThan(order.indexOf('->holding'));
    expect(order.indexOf('fault-injected')).toBeLessThan(order.indexOf('fault-effect'));
  });

  it('a target that absorbs the fault: outcome stays completed, but the verdict is flagged and says why', async () => {
    const { journal, engine } = setup(['t1']);
    const run = engine.start(exp());
    const result = await run.done;
    expect(result.outcome).toBe('completed');
    expect(result.ineffective).toEqual([{ fault: 'slow', targetId: 't1', detail: 'slow on t1: ineffective: asked 50 ms, measured 0 ms' }]);
    expect(result.reason).toMatch(/^INEFFECTIVE: steady state held .*hypothesis was not tested: slow on t1: ineffective: asked 50 ms, measured 0 ms$/);
    const verdict = journal.events(run.runId).at(-1);
    expect(verdict).toMatchObject({ type: 'verdict', outcome: 'completed', ineffective: [{ fault: 'slow', targetId: 't1' }] });
  });

  it('a verify that throws is unverified, never a failed run', async () => {
    const backend = new FakeBackend();
    backend.addTargets(1);
    const journal = new MemoryJournal();
    const broken: FaultProvider<{ level?: number }, Json> = { ...fakeFaultProvider(backend, 'fake.measured'), verify: () => Promise.reject(new Error('probe binary missing')) };
    const engine = new Engine({ registry: createRegistry([fakePlugin(backend, { faults: [broken] })]), journal });
    const run = engine.start(experiment({ faults: [{ name: 'slow', type: 'fake.measured' }] }));
    const result = await run.done;
    expect(result.outcome).toBe('completed');
    expect(journal.events(run.runId).find((e) => e.type === 'fault-effect')).toMatchObject({ effect: { status: 'unverified', detail: 'unverified: the measurement failed: probe binary missing' } });
  });
});
