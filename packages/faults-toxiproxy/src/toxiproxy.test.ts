import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, newRunId, silentLogger, type FaultProvider, type Target } from '@faultline/core';
import { startProxyServer } from '@faultline/proxy';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { toxiproxyPlugin, ToxiproxyApi } from './index.js';

/** A real upstream: echoes what it gets. */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

let upstream: Awaited<ReturnType<typeof echoServer>>;
beforeAll(async () => {
  upstream = await echoServer();
});
afterAll(async () => {
  await upstream.close();
});

async function fixtureFor(type: string, params: Record<string, unknown>) {
  const server = await startProxyServer({ host: '127.0.0.1', port: 0 });
  const api = new ToxiproxyApi(server.url, 2000);
  const res = await fetch(`${server.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` }) });
  expect(res.status).toBe(201);
  const registry = createRegistry([toxiproxyPlugin()]);
  const target = (await registry.resolvers.get('toxiproxy')!.resolve({ api: server.url, proxy: 'redis' }, { signal: new AbortController().signal, log: silentLogger, timeoutMs: 2000 }))[0] as Target;
  const provider = registry.faults.get(type) as FaultProvider<any, any>;
  return {
    provider,
    target,
    params,
    async isActive() {
      const proxy = await api.getProxy('redis', new AbortController().signal);
      if (!proxy) return false;
      if (type === 'toxiproxy.down') return !proxy.enabled;
      return proxy.toxics.some((t) => t.name.startsWith('faultline-'));
    },
    async removeTarget() {
      await fetch(`${server.url}/proxies/redis`, { method: 'DELETE' });
    },
    freshProvider: () => createRegistry([toxiproxyPlugin()]).faults.get(type) as FaultProvider<any, any>,
    dispose: () => server.close(),
  };
}

const cases: Array<[string, Record<string, unknown>]> = [
  ['toxiproxy.latency', { latency: '300ms', jitter: '20ms' }],
  ['toxiproxy.bandwidth', { rate: '100KB/s', stream: 'upstream' }],
  ['toxiproxy.timeout', { timeout: '0s' }],
  ['toxiproxy.reset-peer', { timeout: '10ms' }],
  ['toxiproxy.slow-close', { delay: '100ms' }],
  ['toxiproxy.slicer', { averageSize: 64, sizeVariation: 16, delay: '500us' }],
  ['toxiproxy.limit-data', { bytes: '1KB', stream: 'both' }],
  ['toxiproxy.packet-loss', { probability: 0.2 }],
  ['proxy.cert-expiry', { variant: 'expired' }],
  ['toxiproxy.down', {}],
];
for (const [type, params] of cases) {
  testFaultProviderContract(type, { setup: () => fixtureFor(type, params) });
}

describe('toxiproxy provider behaviour', () => {
  it('names the toxic after the run and fault, sets a ttl lease, and really delays traffic', async () => {
    const f = await fixtureFor('toxiproxy.latency', { latency: '150ms' });
    try {
      const ctx = faultContext({ runId: newRunId(), faultName: 'slow-redis', leaseMs: 60_000 });
      await f.provider.inject(f.target, f.params, ctx);
      const proxy = await new ToxiproxyApi((f.target.ref as { api: string }).api, 2000).getProxy('redis', new AbortController().signal);
      const toxic = proxy!.toxics[0]!;
      expect(toxic).toMatchObject({ name: `faultline-${ctx.runId}-slow-redis`, type: 'latency', stream: 'downstream', attributes: { latency: 150 } });
      expect(toxic.ttl).toBe(60_000);
      const [host, port] = proxy!.listen.split(':');
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        const s = net.connect(Number(port), host!, () => s.write('ping'));
        s.on('data', () => { s.destroy(); resolve(); });
        s.on('error', reject);
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      await f.provider.revert(f.target, undefined, ctx);
      expect(await f.isActive()).toBe(false);
    } finally {
      await f.dispose();
    }
  });

  it('slicer accepts sizeVariation >= averageSize like Toxiproxy 2.x, and the proxy still delivers every byte', async () => {
    const f = await fixtureFor('toxiproxy.slicer', { averageSize: 1000, sizeVariation: 1000 });
    try {
      expect(f.provider.check?.(f.params) ?? []).toEqual([]);
      const ctx = faultContext();
      await f.provider.inject(f.target, f.params, ctx);
      const proxy = await new ToxiproxyApi((f.target.ref as { api: string }).api, 2000).getProxy('redis', new AbortController().signal);
      expect(proxy!.toxics[0]).toMatchObject({ type: 'slicer', attributes: { average_size: 1000, size_variation: 1000 } });
      const [host, port] = proxy!.listen.split(':');
      const data = Buffer.alloc(50_000, 'abcdefghij');
      const echoed = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let got = 0;
        const s = net.connect(Number(port), host!, () => s.write(data));
        s.on('data', (c: Buffer) => {
          chunks.push(c);
          got += c.length;
          if (got >= data.length) {
            s.destroy();
            resolve(Buffer.concat(chunks));
          }
        });
        s.on('error', reject);
      });
      expect(echoed.equals(data)).toBe(true);
      await f.provider.revert(f.target, undefined, ctx);
    } finally {
      await f.dispose();
    }
  });

  it('a down fault leaves a proxy alone that someone else had disabled', async () => {
    const f = await fixtureFor('toxiproxy.down', {});
    try {
      await fetch(`${(f.target.ref as { api: string }).api}/proxies/redis`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
      const ctx = faultContext();
      const undo = await f.provider.inject(f.target, {}, ctx);
      expect(undo).toEqual({ wasEnabled: false });
      await f.freshProvider().revert(f.target, undefined, ctx);
      expect(await f.isActive()).toBe(true); // still disabled: it was not ours to enable
    } finally {
      await f.dispose();
    }
  });

  it('reports an unreachable API as a retryable provider error with a hint', async () => {
    const registry = createRegistry([toxiproxyPlugin({ timeoutMs: 500 })]);
    const err = await registry.resolvers.get('toxiproxy')!.resolve({ api: 'http://127.0.0.1:1' }, { signal: new AbortController().signal, log: silentLogger, timeoutMs: 500 }).catch((e) => e);
    expect(err).toMatchObject({ code: 'FL_PROVIDER', retryable: true });
    expect(err.message).toMatch(/cannot reach the Toxiproxy API at http:\/\/127.0.0.1:1/);
    expect(err.hint).toMatch(/faultline proxy/);
  });

  it('sweeps toxics of runs that are gone', async () => {
    const f = await fixtureFor('toxiproxy.latency', { latency: '10ms' });
    try {
      const runId = newRunId();
      await f.provider.inject(f.target, f.params, faultContext({ runId, faultName: 'left-behind' }));
      const sweeper = createRegistry([toxiproxyPlugin()]).sweepers.get('toxiproxy')!;
      const orphans = await sweeper.find([f.target], { signal: new AbortController().signal, log: silentLogger, timeoutMs: 2000 });
      expect(orphans.map((o) => [o.runId, o.faultName])).toEqual([[runId, 'left-behind']]);
      await orphans[0]!.remove({ signal: new AbortController().signal, log: silentLogger, timeoutMs: 2000 });
      expect(await f.isActive()).toBe(false);
    } finally {
      await f.dispose();
    }
  });
});
