import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '@faultline/core';
import { issueValidTls, type IssuedTls } from '../test-support/tls.js';
import { AgentClient } from './agent-client.js';
import { LeaseRenewals } from './lease-renewals.js';

// A real HTTPS server on loopback standing in for the agent's renew route: the renewals' behaviour on
// success, refusals, lost leases and transport errors. (mTLS against the real agent: apps/cli pod-network.e2e.)
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function agentLike(tls: IssuedTls, answer: (n: number) => number | 'hang'): Promise<{ endpoint: string; renewed: (n: number) => Promise<void> }> {
  let count = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    if (req.method !== 'POST' || !/^\/v1\/faults\/[^/]+\/renew$/.test(req.url ?? '')) return void res.writeHead(404).end('{}');
    count++;
    for (const w of waiters.filter((x) => x.n <= count)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
    const status = answer(count);
    if (status === 'hang') return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? { id: 'x', state: 'applied' } : { error: 'x', message: `answer ${status}` }));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    renewed: (n) => new Promise((resolve) => (count >= n ? resolve() : waiters.push({ n, resolve }))),
  };
}

function recordingLogger(): Logger & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const rec = (level: string) => (_f: Record<string, unknown>, msg: string) => void lines.push([level, msg]);
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

describe('LeaseRenewals against an HTTPS server', () => {
  it('renews repeatedly, logs a refused renewal and keeps going, stops for good when the agent says the lease is lost', async () => {
    const tls = await issueValidTls(['faultline-agent']);
    const agent = await agentLike(tls, (n) => (n === 2 ? 503 : n === 4 ? 409 : 200));
    const renewals = new LeaseRenewals(new AgentClient({ tls, serverName: 'faultline-agent', timeoutMs: 5_000 }));
    const log = recordingLogger();
    renewals.start('run/f/uid', agent.endpoint, 1_000, log);
    expect(renewals.active()).toEqual(['run/f/uid']);
    await agent.renewed(4);
    await expect.poll(() => renewals.active(), { timeout: 10_000 }).toEqual([]);
    expect(log.lines.filter(([l]) => l !== 'debug').map(([l, m]) => `${l}: ${m.split(';')[0]}`)).toEqual([
      'warn: agent lease renewal refused',
      'error: agent lease lost: the agent already reverted this fault (renewals came too late or the agent restarted)',
    ]);
  });

  it('stop() ends the renewals; a renewal that hangs is cut off by its timeout and logged', async () => {
    const tls = await issueValidTls(['faultline-agent']);
    const agent = await agentLike(tls, (n) => (n === 1 ? 'hang' : 200));
    const renewals = new LeaseRenewals(new AgentClient({ tls, serverName: 'faultline-agent', timeoutMs: 5_000 }));
    const log = recordingLogger();
    renewals.start('id-1', agent.endpoint, 1_500, log);
    await agent.renewed(2); // the second renewal only starts after the first one timed out
    expect(log.lines[0]?.[0]).toBe('warn');
    expect(log.lines[0]?.[1]).toContain('agent lease renewal failed');
    renewals.stop('id-1');
    expect(renewals.active()).toEqual([]);
  });

  it('a server certificate for another name is refused with a hint about the agent PKI', async () => {
    const tls = await issueValidTls(['someone-else']);
    const agent = await agentLike(tls, () => 200);
    const client = new AgentClient({ tls, serverName: 'faultline-agent', timeoutMs: 5_000 });
    const err = await client.once(agent.endpoint, 'POST', '/v1/faults/x/renew', { leaseMs: 1000 }, { signal: new AbortController().signal, timeoutMs: 5_000 }).catch((e: unknown) => e as Error & { hint?: string });
    expect(err).toBeInstanceOf(Error);
    expect((err as { hint?: string }).hint).toContain('faultline-agent pki');
  });
});
