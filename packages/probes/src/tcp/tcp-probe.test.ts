import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ProbeError, checkExpectation } from '@faultline/core';
import { createTcpProbe } from './tcp-probe.js';
import { testContext } from '../test-support/context.js';

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function listen(): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, accepted: () => accepted };
}

const probe = createTcpProbe();

describe('tcp probe', () => {
  it('connects, observes true with the connect latency, and closes its socket', async () => {
    const { port, accepted } = await listen();
    const obs = await probe.observe({ host: '127.0.0.1', port }, testContext());
    expect(obs.value).toBe(true);
    expect(obs.latencyMs).toBeGreaterThan(0);
    expect(obs.detail).toMatch(new RegExp(`^tcp 127.0.0.1:${port} connected in \\d+ms$`));
    expect(checkExpectation(obs, { equals: true, latencyBelowMs: 1_000 }).ok).toBe(true);
    await expect.poll(() => accepted()).toBe(1);
    await expect.poll(() => sockets.size).toBe(0);
  });

  it('throws a retryable ProbeError when refused', async () => {
    const { port } = await listen();
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const err = (await probe.observe({ host: '127.0.0.1', port }, testContext()).catch((e: unknown) => e)) as ProbeError;
    expect(err).toBeInstanceOf(ProbeError);
    expect(err.message).toBe(`tcp connect to 127.0.0.1:${port} failed: connection refused (ECONNREFUSED)`);
    expect(err.retryable).toBe(true);
  });

  it('stops when the caller aborts, rethrowing the caller reason', async () => {
    // A hanging connect cannot be produced portably on 127.0.0.1; the timeout path is shared with
    // the http probe (shared/bounded.ts) and tested there.
    const ctl = new AbortController();
    const pending = probe.observe({ host: '127.0.0.1', port: 9 }, testContext({ signal: ctl.signal }));
    ctl.abort(new ProbeError('run aborted'));
    await expect(pending).rejects.toThrow('run aborted');
  });

  it('honours allowHosts', async () => {
    const { port } = await listen();
    await expect(createTcpProbe({ allowHosts: ['db.internal'] }).observe({ host: '127.0.0.1', port }, testContext())).rejects.toThrow(
      /tcp probe may not connect to host "127.0.0.1": it is not in the probes allowHosts setting \(allowed: db.internal\)/,
    );
    expect((await createTcpProbe({ allowHosts: ['127.0.0.1'] }).observe({ host: '127.0.0.1', port }, testContext())).value).toBe(true);
  });
});
