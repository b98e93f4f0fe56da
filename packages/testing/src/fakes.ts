import { Type } from '@sinclair/typebox';
import {
  createRegistry, ProbeError, ProviderError, sleep, type Experiment, type FaultProvider, type Json, type JournalEvent,
  type JournalEventBody, type JournalSink, type JournalSource, type Observation, type Probe, type ProviderPlugin,
  type Registry, type Target, defaultRevertPolicy, isTerminal, replayJournal, type GuardSpec, type ProbeSpec,
} from '@faultline/core';

/** In-memory journal with the same contract as the file/DB journals. */
export class MemoryJournal implements JournalSink, JournalSource {
  readonly runs = new Map<string, JournalEvent[]>();
  async append(runId: string, body: JournalEventBody): Promise<JournalEvent> {
    const list = this.runs.get(runId) ?? [];
    const e = { seq: list.length + 1, at: new Date().toISOString(), runId, ...body } as JournalEvent;
    list.push(e);
    this.runs.set(runId, list);
    return e;
  }
  async read(runId: string): Promise<JournalEvent[]> {
    return [...(this.runs.get(runId) ?? [])];
  }
  async listRuns(): Promise<string[]> {
    return [...this.runs.keys()];
  }
  async listUnfinishedRuns(): Promise<string[]> {
    return [...this.runs.keys()].filter((id) => !isTerminal(replayJournal(this.runs.get(id) ?? []).state));
  }
  events(runId: string): JournalEvent[] {
    return this.runs.get(runId) ?? [];
  }
}

/** A backend the fake provider acts on; shared between "processes" (provider instances). */
export class FakeBackend {
  readonly targets = new Map<string, { labels: Record<string, string>; namespace?: string }>();
  /** Active faults: `${targetId}|${artefact}`. */
  readonly active = new Set<string>();
  readonly calls: string[] = [];
  /** Hooks to make calls fail: return an Error to throw it. */
  injectHook: ((target: Target, faultName: string) => Error | undefined | Promise<Error | undefined>) | undefined;
  revertHook: ((target: Target, attempt: number) => Error | undefined) | undefined;
  revertAttempts = new Map<string, number>();
  addTargets(n: number, prefix = 't', labels: Record<string, string> = {}, namespace?: string): void {
    for (let i = 0; i < n; i++) this.targets.set(`${prefix}${i}`, { labels, ...(namespace ? { namespace } : {}) });
  }
}

/** A fault provider over FakeBackend that honours the whole provider contract. */
export function fakeFaultProvider(backend: FakeBackend, type = 'fake.break', opts: { injectDelayMs?: number } = {}): FaultProvider<{ level?: number }, Json> {
  return {
    type,
    targetKind: 'fake',
    paramsSchema: Type.Object({ level: Type.Optional(Type.Number()) }, { additionalProperties: false }),
    summary: 'breaks a fake target',
    async inject(target, _params, ctx) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      backend.calls.push(`inject ${ctx.faultName} ${target.id}`);
      if (opts.injectDelayMs) await sleep(opts.injectDelayMs, ctx.signal);
      const err = await backend.injectHook?.(target, ctx.faultName);
      if (err) throw err;
      if (!backend.targets.has(target.id)) throw new ProviderError(`fake target ${target.id} does not exist`);
      backend.active.add(`${target.id}|faultline-${ctx.runId}-${ctx.faultName}`);
      return { artefact: `faultline-${ctx.runId}-${ctx.faultName}` };
    },
    async revert(target, _undo, ctx) {
      const key = `${target.id}|faultline-${ctx.runId}-${ctx.faultName}`;
      const attempt = (backend.revertAttempts.get(key) ?? 0) + 1;
      backend.revertAttempts.set(key, attempt);
      backend.calls.push(`revert ${ctx.faultName} ${target.id}`);
      const err = backend.revertHook?.(target, attempt);
      if (err) throw err;
      backend.active.delete(key);
    },
  };
}

export function fakePlugin(backend: FakeBackend, extra: { probes?: Probe<any>[]; faults?: FaultProvider<any, any>[] } = {}): ProviderPlugin {
  return {
    name: 'fake',
    resolvers: [{
      kind: 'fake',
      selectorSchema: Type.Object({ prefix: Type.Optional(Type.String()) }),
      async resolve(selector: { prefix?: string }) {
        return [...backend.targets.entries()]
          .filter(([id]) => !selector.prefix || id.startsWith(selector.prefix))
          .map(([id, t]) => ({ id, kind: 'fake', name: id, labels: t.labels, ...(t.namespace ? { namespace: t.namespace } : {}), ref: { id } }));
      },
    }],
    faults: [fakeFaultProvider(backend), ...(extra.faults ?? [])],
    probes: extra.probes ?? [],
  };
}

/** A probe whose observations are scripted: a function of the call number. */
export function scriptedProbe(kind: string, script: (call: number) => Observation | Error | Promise<Observation | Error>): Probe<Record<string, Json>> & { calls: number } {
  const p = {
    kind,
    calls: 0,
    paramsSchema: Type.Object({}, { additionalProperties: true }),
    summary: 'scripted probe',
    async observe() {
      const r = await script(++p.calls);
      if (r instanceof Error) throw r instanceof ProbeError ? r : new ProbeError(r.message);
      return r;
    },
  };
  return p;
}

export function fakeRegistry(backend: FakeBackend, probes: Probe<any>[] = []): Registry {
  return createRegistry([fakePlugin(backend, { probes })]);
}

/** Builds a normalized Experiment for engine tests (what @faultline/spec would produce). */
export function experiment(overrides: {
  name?: string;
  durationMs?: number;
  faults?: Partial<Experiment['spec']['faults'][number]>[];
  steadyState?: Partial<ProbeSpec>[];
  guards?: Partial<GuardSpec>[];
  blastRadius?: Experiment['spec']['blastRadius'];
  targets?: Experiment['spec']['targets'];
  revert?: Partial<Experiment['spec']['revert']>;
  settleMs?: number;
  maxDurationMs?: number;
} = {}): Experiment {
  return {
    apiVersion: 'faultline.dev/v1',
    kind: 'Experiment',
    metadata: { name: overrides.name ?? 'fake-experiment', labels: {} },
    spec: {
      durationMs: overrides.durationMs ?? 100,
      targets: overrides.targets ?? { things: { name: 'things', kind: 'fake', selector: {}, mode: { type: 'all' } } },
      steadyState: (overrides.steadyState ?? []).map((p, i) => ({ name: `ss-${i}`, kind: 'ok', with: {}, expect: { equals: 'ok' }, timeoutMs: 1000, ...p })),
      faults: (overrides.faults ?? [{}]).map((f, i) => ({ name: `fault-${i}`, type: 'fake.break', target: 'things', with: {}, afterMs: 0, ...f })),
      guards: (overrides.guards ?? []).map((g, i) => ({ name: `guard-${i}`, kind: 'ok', with: {}, expect: { equals: 'ok' }, timeoutMs: 1000, everyMs: 10, breachAfter: 1, ...g })),
      blastRadius: overrides.blastRadius ?? {},
      settleMs: overrides.settleMs ?? 0,
      revert: { ...defaultRevertPolicy, initialBackoffMs: 1, maxBackoffMs: 5, maxAttempts: 5, timeoutMs: 1000, ...overrides.revert },
      ...(overrides.maxDurationMs !== undefined ? { maxDurationMs: overrides.maxDurationMs } : {}),
    },
  };
}
