import { describe, expect, it } from 'vitest';
import { availableBackends, type TestDatabase } from '../../../packages/store/src/testing/backends.js';
import { useProxyWorkspace } from './test-support/workspace.js';
import { getRun, kill9, startReplica, submitRun, until, type Replica, type RunView } from './test-support/replicas.js';

/*
 * Issue 14, HA with real processes: controller replicas on one store (3 on PostgreSQL, 2 on SQLite),
 * 20 runs holding latency toxics on the embedded proxy. kill -9 one replica: each of its runs is adopted
 * and reverted by a live one (the time is printed); a new replica touches nothing; a rolling restart
 * (SIGTERM one by one) reverts only the stopping replica's runs. Short owner TTLs keep it bounded.
 */

const TTL = 8000; // well above scheduling stalls of a loaded CI machine; adoption is bounded by TTL + SCAN
const SCAN = 250;

let database: TestDatabase;
const replicas: Replica[] = [];
const ws = useProxyWorkspace('ha', async () => {
  for (const r of replicas.splice(0)) await kill9(r);
  await database?.dispose();
});

const definition = (i: number) => ws.latencyExperiment({ name: `slow-redis-${i}`, duration: '10m', latency: '50ms' });

async function replica(id: string): Promise<Replica> {
  const r = await startReplica({ database: database.url.replace(/^sqlite:/, ''), id, ownerTtlMs: TTL, adoptEveryMs: SCAN });
  replicas.push(r);
  return r;
}
const live = () => replicas.filter((r) => r.proc.child.exitCode === null && r.proc.child.signalCode === null);
const view = async (runId: string) => getRun(live()[0]!.url, runId);
const views = async (ids: readonly string[]) => Promise.all(ids.map(view));

/** Every run of a live replica is still holding, owned by the same replica under the same token. */
async function expectUntouched(before: readonly RunView[]): Promise<void> {
  const now = await views(before.map((r) => r.runId));
  expect(now.map((r) => ({ runId: r.runId, state: r.state, replica: r.owner?.replica, token: r.owner?.token })))
    .toEqual(before.map((r) => ({ runId: r.runId, state: 'holding', replica: r.owner?.replica, token: r.owner?.token })));
}

/** Waits until each live replica has renewed the leases of the given runs twice over (two TTLs of scans happened). */
async function twoTtlsPass(sample: RunView): Promise<void> {
  const from = Date.parse(sample.owner!.expiresAt!);
  await until('two owner TTLs pass with renewals', () => view(sample.runId), (r) => Date.parse(r.owner?.expiresAt ?? '0') > from + 2 * TTL, 120_000);
}

const backends = availableBackends().map((b) => [b.name, b.name === 'postgres' ? 3 : 2] as const);

describe.each(backends)('HA controller replicas on %s (%i processes)', { timeout: 900_000 }, (backendName, count) => {
  it('kill -9 one replica: a live one adopts and reverts each of its runs; a fourth touches nothing; a rolling restart touches no live replica\'s runs', async () => {
    database = await availableBackends().find((b) => b.name === backendName)!.create();
    for (let i = 0; i < count; i++) await replica(`r${i + 1}`);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await submitRun(replicas[i % count]!.url, definition(i)));
    const holding = await until('20 runs holding', () => views(ids), (rs) => rs.every((r) => r.state === 'holding'), 120_000);
    expect(await ws.toxics()).toHaveLength(20);

    // kill -9 r1.
    const victim = replicas[0]!;
    const victims = holding.filter((r) => r.owner?.replica === victim.id);
    const survivors = holding.filter((r) => r.owner?.replica !== victim.id);
    const killedAt = performance.now();
    await kill9(victim);
    const adopted = await until(`runs of ${victim.id} reverted`, () => views(victims.map((r) => r.runId)), (rs) => rs.every((r) => r.state !== 'holding' && r.state !== 'reverting'), 120_000);
    const took = performance.now() - killedAt;
    console.log(`[${backendName}] kill -9 ${victim.id}: its ${victims.length} runs were adopted and reverted within ${Math.round(took)} ms (owner TTL ${TTL} ms + scan ${SCAN} ms; per-run revert times: ${adopted.map((r) => /in (\d+) ms$/.exec(r.reason ?? '')?.[1]).join(', ')} ms)`);
    for (const r of adopted) {
      expect(r.state).toBe('aborted');
      expect(r.reason).toMatch(new RegExp(`^replica ${victim.id} stopped renewing its lease at \\S+; adopted by r\\d+; reverted 1 fault record\\(s\\) in \\d+ ms$`));
      expect(r.owner?.replica).not.toBe(victim.id);
    }
    expect(await ws.toxics()).toHaveLength(survivors.length);
    await expectUntouched(survivors);

    // A new replica starts and scans: nothing is touched.
    await replica(`r${count + 1}`);
    await twoTtlsPass(survivors[0]!);
    await expectUntouched(survivors);

    // Rolling restart: SIGTERM each live replica in turn, start its replacement; only its own runs end.
    let remaining = [...survivors];
    for (const r of live()) {
      const own = remaining.filter((x) => x.owner?.replica === r.id);
      const others = remaining.filter((x) => x.owner?.replica !== r.id);
      r.proc.child.kill('SIGTERM');
      expect(await r.proc.exit).toBe(0);
      const ended = await views(own.map((x) => x.runId));
      for (const x of ended) expect(x).toMatchObject({ state: 'aborted', reason: `controller replica ${r.id} shutting down (SIGTERM); its runs are aborted and reverted before it exits` });
      await replica(`${r.id}-next`);
      await expectUntouched(others);
      remaining = others;
    }
    expect(remaining).toEqual([]);
    expect(await ws.toxics()).toEqual([]);
  });
});
