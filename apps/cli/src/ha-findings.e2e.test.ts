import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useProxyWorkspace } from './test-support/workspace.js';
import { getRun, kill9, startReplica, submitRun, until, type Replica } from './test-support/replicas.js';

/*
 * Issue 14, findings 1 and 2, with real controller processes on one SQLite store:
 * a starting replica must not touch a live replica's run; a replica killed with SIGKILL has its runs
 * adopted and reverted by a live one, with the true reason.
 */

const replicas: Replica[] = [];
const ws = useProxyWorkspace('ha', async () => {
  for (const r of replicas.splice(0)) await kill9(r);
});

const db = () => path.join(ws.dir, 'faultline.db');
const definition = (duration: string) => ws.latencyExperiment({ name: 'slow-redis', duration });
const toxics = () => ws.toxics();
async function replica(id: string): Promise<Replica> {
  const r = await startReplica({ database: db(), id, ownerTtlMs: 4000, adoptEveryMs: 250 });
  replicas.push(r);
  return r;
}

describe('controller replicas on one store', { timeout: 240_000 }, () => {
  it('finding 1: replica B starting (and scanning for adoptable runs) leaves replica A\'s live run alone', async () => {
    const a = await replica('replica-a');
    const runId = await submitRun(a.url, definition('10m'));
    await until('run holding on A', () => getRun(a.url, runId), (r) => r.state === 'holding');
    expect(await toxics()).toHaveLength(1);

    const b = await replica('replica-b');
    expect(b.proc.stdout()).not.toMatch(new RegExp(`recovered run ${runId}`));
    // Two owner TTLs of B's adoption scans (every 250 ms): A keeps renewing, so B never adopts.
    const firstOwner = (await getRun(b.url, runId)).owner;
    expect(firstOwner).toMatchObject({ replica: 'replica-a' });
    await until('A kept renewing for two owner TTLs', () => getRun(b.url, runId),
      (r) => r.owner?.expiresAt !== undefined && Date.parse(r.owner.expiresAt) > Date.parse(firstOwner!.expiresAt!) + 8000);
    const seen = await getRun(b.url, runId);
    expect(seen).toMatchObject({ state: 'holding', owner: { replica: 'replica-a', token: firstOwner!.token } });
    expect(await toxics()).toHaveLength(1);
  });

  it('finding 2: SIGKILL of replica A -> live replica B adopts its run and reverts it, with the true reason', async () => {
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    const runId = await submitRun(a.url, definition('10m'));
    await until('run holding on A', () => getRun(a.url, runId), (r) => r.state === 'holding');
    expect(await toxics()).toHaveLength(1);
    const killedAt = performance.now();
    await kill9(a);
    const done = await until('run reverted by B', () => getRun(b.url, runId), (r) => r.state === 'aborted' || r.state === 'revert-pending', 20_000);
    const took = performance.now() - killedAt;
    console.log(`finding 2: replica-a killed -> run ${runId} reverted by replica-b in ${Math.round(took)} ms (owner TTL 4000 ms + scan 250 ms)`);
    expect(done.state).toBe('aborted');
    expect(done.reason).toMatch(/^replica replica-a stopped renewing its lease at \d{4}-\d\d-\d\dT[\d:.]+Z; adopted by replica-b; reverted 1 fault record\(s\) in \d+ ms$/);
    expect(done.owner).toMatchObject({ replica: 'replica-b' });
    expect(await toxics()).toEqual([]);
  });
});
