import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId, systemClock } from '@faultline/core';
import { NetnsFaults, findContainerNetns, findLatencyProxies, type NetnsHandle } from '@faultline/netns';
import { call, startAgent, tlsDir, TestContainers, until } from './test-support/agent-process.js';
import { issueAgentPki, type AgentPki } from './pki/agent-pki.js';

const faults = new NetnsFaults();
const ctx = { signal: new AbortController().signal, timeoutMs: 15_000 };
const root = process.getuid?.() === 0;

/** Everything tagged with `tag` in the namespace: rules, qdiscs (ledger), proxies. */
async function artefacts(ns: NetnsHandle, tag: string): Promise<string[]> {
  const rules = (await faults.rules.list(ns, ctx)).filter((r) => r.tag === tag).map((r) => `${r.table}/${r.chain} ${r.args.join(' ')}`);
  const proxies = findLatencyProxies(faults.exec.proc, tag).map((p) => `proxy ${p.pid}`);
  return [...rules, ...proxies];
}

// The agent's start-up probes every namespace on the node; on a loaded CI box that takes a while.
describe.skipIf(!root)('faultline agent as a real process against real containers', { timeout: 240_000 }, () => {
  const docker = new TestContainers();
  let tls: { dir: string; pki: AgentPki };
  let a: { id: string; ip: string };
  let b: { id: string; ip: string };
  let nsA: NetnsHandle;
  beforeAll(async () => {
    tls = await tlsDir();
    [a, b] = await Promise.all([docker.start(), docker.start()]);
    nsA = findContainerNetns(a.id) as NetnsHandle;
  });
  afterAll(() => docker.cleanup());

  const applyBody = (runId: string, kind: string, params: unknown, leaseMs: number, containerId = `docker://${a.id}`) => ({
    id: `${runId}/f/${containerId.slice(-12)}`, runId, faultName: 'f', kind, containerId, params, leaseMs,
  });

  it('mTLS: refuses no client certificate and a certificate for another CN; applies and reverts for the controller', async () => {
    const agent = await startAgent({ tls: tls.dir, journal: mkdtempSync(join(tmpdir(), 'fl-agent-j-')) });
    try {
      await expect(call(agent.port, tls.pki, 'GET', '/v1/health', undefined, null)).rejects.toThrow();
      const stranger = await issueAgentPki({ clock: systemClock, serverNames: ['x'], clientCn: 'someone-else' });
      await expect(call(agent.port, tls.pki, 'GET', '/v1/health', undefined, stranger.controller)).rejects.toThrow(); // other CA
      const health = await call(agent.port, tls.pki, 'GET', '/v1/health');
      expect(health.status).toBe(200);
      expect(await call(agent.port, tls.pki, 'POST', '/v1/faults', { id: 'x' })).toMatchObject({ status: 400 });

      const runId = newRunId();
      const body = applyBody(runId, 'partition', { destinations: [b.ip] }, 60_000);
      const applied = await call(agent.port, tls.pki, 'POST', '/v1/faults', body);
      expect(applied).toMatchObject({ status: 200, body: { state: 'applied', inode: nsA.inode, mechanism: 'iptables' } });
      expect(applied.body['effect']).toEqual({
        status: 'effective', metric: 'reachable-ratio', asked: 0, measured: 0, destination: `${b.ip}:80`, samples: 3,
        detail: `effective: asked unreachable, 0 of 3 connects to ${b.ip}:80 got through`,
      });
      expect(await artefacts(nsA, `faultline-${runId}-f`)).toHaveLength(2);
      expect((await call(agent.port, tls.pki, 'POST', '/v1/faults', body)).body).toMatchObject({ state: 'applied' }); // idempotent
      expect(await artefacts(nsA, `faultline-${runId}-f`)).toHaveLength(2);
      const reverted = await call(agent.port, tls.pki, 'DELETE', `/v1/faults/${encodeURIComponent(body.id)}`);
      expect(reverted.body).toMatchObject({ state: 'reverted', revertReason: 'request' });
      expect(await artefacts(nsA, `faultline-${runId}-f`)).toEqual([]);

      // Loopback is never partitioned: the agent measures it and says so in the fault's status.
      const lo = applyBody(newRunId(), 'partition', { destinations: ['127.0.0.1'], ports: [80] }, 60_000);
      const loApplied = await call(agent.port, tls.pki, 'POST', '/v1/faults', lo);
      expect(loApplied.body['effect']).toMatchObject({ status: 'ineffective', measured: 1, detail: 'ineffective: asked unreachable, 3 of 3 connects to 127.0.0.1:80 got through' });
      expect((await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(lo.id)}`)).body['effect']).toMatchObject({ status: 'ineffective' });
      await call(agent.port, tls.pki, 'DELETE', `/v1/faults/${encodeURIComponent(lo.id)}`);
    } finally {
      agent.proc.kill('SIGTERM');
    }
  });

  it('dead-man\'s switch: renewals keep the fault; when they stop, the agent reverts at lease expiry', async () => {
    const agent = await startAgent({ tls: tls.dir, journal: mkdtempSync(join(tmpdir(), 'fl-agent-j-')) });
    try {
      const runId = newRunId();
      const tag = `faultline-${runId}-f`;
      const body = applyBody(runId, 'bandwidth', { rate: '1MiB/s' }, 4_000);
      const first = await call(agent.port, tls.pki, 'POST', '/v1/faults', body);
      expect(first.status).toBe(200);
      // Renew past the first expiry: still applied.
      const firstExpiry = first.body['leaseExpiresAtMs'] as number;
      let renewed = first;
      while (systemClock.nowMs() < firstExpiry + 1_000) {
        renewed = await call(agent.port, tls.pki, 'POST', `/v1/faults/${encodeURIComponent(body.id)}/renew`, { leaseMs: 4_000 });
        expect(renewed.body).toMatchObject({ state: 'applied' });
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(await artefacts(nsA, tag)).not.toEqual([]);
      // Stop renewing (the controller is gone): reverted by the agent alone.
      const expiresAt = renewed.body['leaseExpiresAtMs'] as number;
      const reverted = async () => (await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(body.id)}`)).body['state'] === 'reverted';
      expect(await until(reverted, 30_000)).toBe(true);
      const delay = systemClock.nowMs() - expiresAt;
      console.info(`lease expiry -> journal says reverted (observed by 50ms polling): ${delay}ms`);
      expect(await artefacts(nsA, tag)).toEqual([]);
      const after = await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(body.id)}`);
      expect(after.body).toMatchObject({ state: 'reverted', revertReason: 'lease-expired' });
      expect(await call(agent.port, tls.pki, 'POST', `/v1/faults/${encodeURIComponent(body.id)}/renew`, { leaseMs: 2_000 })).toMatchObject({ status: 409 });
    } finally {
      agent.proc.kill('SIGTERM');
    }
  });

  it('SIGKILL mid-fault, restart on the same journal: the latency proxy, its rules and everything else are reverted', async () => {
    const journal = mkdtempSync(join(tmpdir(), 'fl-agent-j-'));
    const agent = await startAgent({ tls: tls.dir, journal });
    const runId = newRunId();
    const tag = `faultline-${runId}-f`;
    const body = applyBody(runId, 'latency', { latency: '40ms', destinations: [`${b.ip}:80`] }, 300_000);
    const applied = await call(agent.port, tls.pki, 'POST', '/v1/faults', body);
    expect(applied.body).toMatchObject({ state: 'applied', mechanism: expect.stringMatching(/^(proxy|netem)$/) });
    expect(applied.body['effect']).toMatchObject({ status: 'effective', metric: 'rtt-ms', asked: 40, destination: `${b.ip}:80` });
    expect(await artefacts(nsA, tag)).not.toEqual([]);
    agent.proc.kill('SIGKILL');
    await new Promise((r) => agent.proc.once('exit', r));
    expect(await artefacts(nsA, tag)).not.toEqual([]); // nobody reverted yet: the proxy outlives the agent
    const again = await startAgent({ tls: tls.dir, journal });
    try {
      expect(again.started.recovered).toEqual([body.id]);
      expect(await artefacts(nsA, tag)).toEqual([]);
      expect(findLatencyProxies(faults.exec.proc, tag)).toEqual([]);
      const status = await call(again.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(body.id)}`);
      expect(status.body).toMatchObject({ state: 'reverted', revertReason: 'agent-restart' });
    } finally {
      again.proc.kill('SIGTERM');
    }
  });

  it('revert when the container is gone succeeds; SIGTERM reverts what is applied', async () => {
    const agent = await startAgent({ tls: tls.dir, journal: mkdtempSync(join(tmpdir(), 'fl-agent-j-')) });
    const c = await docker.start();
    const nsC = findContainerNetns(c.id) as NetnsHandle;
    const runId = newRunId();
    const body = applyBody(runId, 'packet-loss', { probability: 0.3 }, 60_000, c.id);
    expect((await call(agent.port, tls.pki, 'POST', '/v1/faults', body)).body).toMatchObject({ state: 'applied', inode: nsC.inode });
    await docker.remove(c.id);
    expect((await call(agent.port, tls.pki, 'DELETE', `/v1/faults/${encodeURIComponent(body.id)}`)).body).toMatchObject({ state: 'reverted' });
    // Unknown container: 404 with a hint, nothing journaled as applied.
    const missing = await call(agent.port, tls.pki, 'POST', '/v1/faults', applyBody(newRunId(), 'partition', {}, 60_000, 'f'.repeat(64)));
    expect(missing).toMatchObject({ status: 404 });

    const runId2 = newRunId();
    await call(agent.port, tls.pki, 'POST', '/v1/faults', applyBody(runId2, 'partition', { destinations: [b.ip] }, 60_000));
    expect(await artefacts(nsA, `faultline-${runId2}-f`)).not.toEqual([]);
    agent.proc.kill('SIGTERM');
    await new Promise((r) => agent.proc.once('exit', r));
    expect(await artefacts(nsA, `faultline-${runId2}-f`)).toEqual([]);
  });
});
