import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@faultline/store';
import { useProxyWorkspace } from './test-support/workspace.js';
import { spawnCli, type CliProcess } from './test-support/spawn-cli.js';

const servers: CliProcess[] = [];
const ws = useProxyWorkspace('server', async () => {
  for (const s of servers.splice(0)) if (s.child.exitCode === null) { s.child.kill('SIGKILL'); await s.exit; }
});

const db = () => path.join(ws.dir, 'faultline.db');
async function token(scopes: string): Promise<string> {
  const t = spawnCli(['tokens', 'create', '--name', `t-${scopes}`, '--scopes', scopes, '--database', db(), '--output', 'json']);
  expect(await t.exit).toBe(0);
  return JSON.parse(t.stdout()).secret;
}
async function startServer(): Promise<{ url: string; proc: CliProcess }> {
  // The tests poll run state every few ms; the per-token rate limit is for real clients.
  const proc = spawnCli(['server', '--port', '0', '--database', db(), '--owner-ttl', '4000', '--adopt-every', '250', '--rate-limit', '0']);
  servers.push(proc);
  const line = await proc.waitForLine((l) => l.includes('faultline controller on'), 120_000);
  return { url: /on (http:\/\/[\d.:]+)/.exec(line)![1]!, proc };
}
const definition = (duration: string) => ws.latencyExperiment({ name: 'slow-redis', duration, labels: { team: 'payments' } });
const toxics = () => ws.toxics();

describe('controller as a real process', { timeout: 180_000 }, () => {
  it('CI flow: 20 concurrent retries with one key -> one run; SSE streams the journal to the verdict; JUnit report', async () => {
    const secret = await token('run');
    const { url } = await startServer();
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'idempotency-key': 'pipeline-7-job-3' };
    const body = JSON.stringify({ definition: definition('1s') });
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/v1/runs`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, json: (await r.json()) as { run: { runId: string } } }))));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const ids = new Set(answers.map((a) => a.json.run.runId));
    expect(ids.size).toBe(1);
    const runId = [...ids][0]!;
    const sse = await fetch(`${url}/v1/runs/${runId}/events`, { headers: { authorization: `Bearer ${secret}` } });
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await sse.text(); // the stream ends after the verdict
    const events = text.split('\n\n').filter((b) => b.includes('data: ')).map((b) => JSON.parse(b.split('data: ')[1]!));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'verdict', outcome: 'completed' });
    // resume from Last-Event-ID: only newer events
    const resumed = await (await fetch(`${url}/v1/runs/${runId}/events`, { headers: { authorization: `Bearer ${secret}`, 'last-event-id': String(events.length - 2) } })).text();
    expect(resumed.split('\n\n').filter((b) => b.includes('data: '))).toHaveLength(2);
    const junit = await (await fetch(`${url}/v1/runs/${runId}/report?format=junit`, { headers: { authorization: `Bearer ${secret}` } })).text();
    expect(junit).toMatch(/<testsuite[^>]*name="slow-redis"/);
    expect(await toxics()).toEqual([]);
  });

  it('SIGKILL while a run holds a toxic: the restarted controller adopts it once the owner lease expires, reverts it and marks the run', async () => {
    const secret = await token('run');
    const first = await startServer();
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const { run } = (await (await fetch(`${first.url}/v1/runs`, { method: 'POST', headers, body: JSON.stringify({ definition: definition('10m') }) })).json()) as { run: { runId: string } };
    for (;;) {
      const r = (await (await fetch(`${first.url}/v1/runs/${run.runId}`, { headers })).json()) as { state: string };
      if (r.state === 'holding') break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(await toxics()).toHaveLength(1);
    first.proc.child.kill('SIGKILL');
    await first.proc.exit;
    expect(await toxics()).toHaveLength(1);
    const second = await startServer();
    let after: { state: string; reason: string };
    for (;;) {
      after = (await (await fetch(`${second.url}/v1/runs/${run.runId}`, { headers })).json()) as { state: string; reason: string };
      // Wait for a verdict: adoption passes through `reverting` first.
      if (['aborted', 'failed', 'completed', 'deviated', 'revert-pending'].includes(after.state)) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    expect(await toxics()).toEqual([]);
    expect(after).toMatchObject({ state: 'aborted', reason: expect.stringMatching(/^replica \S+ stopped renewing its lease at \S+; adopted by \S+; reverted 1 fault record\(s\) in \d+ ms$/) });
  });

  it('SIGTERM aborts and reverts active runs before the controller exits', async () => {
    const secret = await token('run');
    const { url, proc } = await startServer();
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const { run } = (await (await fetch(`${url}/v1/runs`, { method: 'POST', headers, body: JSON.stringify({ definition: definition('10m') }) })).json()) as { run: { runId: string } };
    while ((await toxics()).length === 0) await new Promise((res) => setTimeout(res, 20));
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    expect(await toxics()).toEqual([]);
    // The decision on SIGTERM (docs/safety.md): the owner reverts its runs, with a reason naming it and the signal.
    const replicaId = /replica (\S+);/.exec(proc.stdout())![1]!;
    const store = await openStore(db());
    try {
      expect(await store.getRun(run.runId)).toMatchObject({
        state: 'aborted', reason: `controller replica ${replicaId} shutting down (SIGTERM); its runs are aborted and reverted before it exits`,
      });
    } finally {
      await store.close();
    }
    expect(proc.stdout()).toMatch(/controller stopped; every run it hosted was reverted/);
  });
});
