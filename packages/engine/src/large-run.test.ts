import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '@faultline/core';
import { experiment, FakeBackend, fakeFaultProvider, fakePlugin, MemoryJournal } from '@faultline/testing';
import { Engine } from './index.js';

// Node reports listener leaks (MaxListenersExceededWarning) as a process 'warning' event; a large run emits none.
let warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

/** Warnings are emitted on the next tick; let them arrive before looking. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

function setup(targets: number) {
  const backend = new FakeBackend();
  backend.addTargets(targets);
  // A 1 ms inject keeps all 16 workers in flight at once, as real API calls do.
  const registry = createRegistry([fakePlugin(backend, { faults: [fakeFaultProvider(backend, 'fake.slow', { injectDelayMs: 1 })] })]);
  const journal = new MemoryJournal();
  return { backend, journal, engine: new Engine({ registry, journal }) };
}

describe('large runs', () => {
  it('1,000 targets: every one injected and reverted, and the process emits no warning', async () => {
    const { backend, journal, engine } = setup(1000);
    const run = engine.start(experiment({ durationMs: 10, faults: [{ name: 'slow', type: 'fake.slow' }] }));
    const result = await run.done;
    await settled();
    expect(result.outcome).toBe('completed');
    expect(backend.calls.filter((c) => c.startsWith('inject')).length).toBe(1000);
    expect(backend.active.size).toBe(0);
    expect(journal.events(run.runId).filter((e) => e.type === 'fault-reverted').length).toBe(1000);
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });

  it('an abort in the middle of 1,000 injects reaches every worker; no warning', async () => {
    const { backend, engine } = setup(1000);
    let injected = 0;
    const run = engine.start(experiment({ durationMs: 60_000, faults: [{ name: 'slow', type: 'fake.slow' }] }));
    backend.injectHook = () => {
      if (++injected === 300) run.abort('operator stop', 'api');
      return undefined;
    };
    const result = await run.done;
    await settled();
    expect(result.outcome).toBe('aborted');
    expect(backend.active.size).toBe(0);
    expect(backend.calls.filter((c) => c.startsWith('inject')).length).toBeLessThan(1000);
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });

  it('a dozen delayed faults wait on the hold without a warning', async () => {
    const { backend, engine } = setup(2);
    const faults = Array.from({ length: 12 }, (_, i) => ({ name: `late-${i}`, type: 'fake.slow', afterMs: 5 + i }));
    const result = await engine.start(experiment({ durationMs: 200, faults })).done;
    await settled();
    expect(result.outcome).toBe('completed');
    expect(backend.calls.filter((c) => c.startsWith('inject')).length).toBe(24);
    expect(backend.active.size).toBe(0);
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });
});
