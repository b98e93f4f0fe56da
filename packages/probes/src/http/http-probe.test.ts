import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ProbeError, checkExpectation } from '@faultline/core';
import { createHttpProbe } from './http-probe.js';
import { startHttpServer, type TestHttpServer } from '../test-support/http-server.js';
import { testContext } from '../test-support/context.js';

let server: TestHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const probe = createHttpProbe();

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('http probe', () => {
  it('observes status, body text and latency', async () => {
    server = await startHttpServer((_req, res) => res.end('healthy'));
    const obs = await probe.observe({ url: `${server.url}/health` }, testContext());
    expect(obs.value).toBe('healthy');
    expect(obs.status).toBe(200);
    expect(obs.latencyMs).toBeGreaterThan(0);
    expect(obs.detail).toMatch(new RegExp(`^GET ${server.url}/health -> 200 in \\d+ms$`));
    expect(checkExpectation(obs, { status: 200, latencyBelowMs: 5_000, equals: 'healthy' }).ok).toBe(true);
  });

  it('picks a value with jsonPath', async () => {
    server = await startHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ checks: [{ name: 'db', ok: true }, { name: 'cache', ok: false, lagMs: 12 }] }));
    });
    const obs = await probe.observe({ url: server.url, jsonPath: '$.checks[-1].lagMs' }, testContext());
    expect(obs.value).toBe(12);
    expect(obs.detail).toContain('$.checks[-1].lagMs = 12');
    expect(checkExpectation(obs, { below: 20 }).ok).toBe(true);
  });

  it('treats a non-2xx answer as a normal observation', async () => {
    server = await startHttpServer((_req, res) => {
      res.statusCode = 503;
      res.end('<html>overloaded</html>');
    });
    const plain = await probe.observe({ url: server.url }, testContext());
    expect(plain.status).toBe(503);
    expect(plain.value).toBe('<html>overloaded</html>');
    expect(checkExpectation(plain, { status: 200 })).toMatchObject({ ok: false, reason: 'status 503, expected 200' });
    const withPath = await probe.observe({ url: server.url, jsonPath: '$.status' }, testContext());
    expect(withPath.status).toBe(503);
    expect(withPath.value).toBeNull();
    expect(withPath.detail).toContain('not JSON');
  });

  it('cannot evaluate when a 2xx body lacks the jsonPath value', async () => {
    server = await startHttpServer((_req, res) => res.end('{"status":"ok"}'));
    await expect(probe.observe({ url: server.url, jsonPath: '$.checks[0]' }, testContext())).rejects.toThrow(
      /answered 200 but jsonPath \$\.checks\[0\] matched nothing \(no value at \$\.checks\)/,
    );
    await expect(probe.observe({ url: server.url, jsonPath: '$.a' }, testContext())).rejects.toBeInstanceOf(ProbeError);
  });

  it('sends method, headers and a JSON body', async () => {
    server = await startHttpServer((_req, res) => res.end('done'));
    await probe.observe(
      { url: `${server.url}/flags`, method: 'POST', headers: { 'x-team': 'shop' }, body: { flag: 'slow', on: true } },
      testContext(),
    );
    await probe.observe({ url: `${server.url}/raw`, method: 'PUT', body: 'a=b' }, testContext());
    const [json, raw] = server.requests;
    expect(json).toMatchObject({ method: 'POST', url: '/flags', body: '{"flag":"slow","on":true}' });
    expect(json?.headers['content-type']).toBe('application/json');
    expect(json?.headers['x-team']).toBe('shop');
    expect(raw).toMatchObject({ method: 'PUT', url: '/raw', body: 'a=b' });
    expect(raw?.headers['content-type']).toBeUndefined();
  });

  it('truncates the observed body to 1 KB', async () => {
    server = await startHttpServer((_req, res) => res.end('x'.repeat(100_000)));
    const obs = await probe.observe({ url: server.url }, testContext());
    expect(obs.value).toBe('x'.repeat(1024));
  });

  it('measures latency to the last byte of the body', async () => {
    server = await startHttpServer((_req, res) => {
      res.writeHead(200);
      res.write('first');
      setTimeout(() => res.end(' last'), 150);
    });
    const obs = await probe.observe({ url: server.url }, testContext());
    expect(obs.value).toBe('first last');
    expect(obs.latencyMs).toBeGreaterThanOrEqual(140);
  });

  it('throws a retryable ProbeError when the connection is refused', async () => {
    const port = await freePort();
    const err = await probe.observe({ url: `http://127.0.0.1:${port}/` }, testContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect((err as ProbeError).message).toMatch(new RegExp(`GET http://127.0.0.1:${port}/ failed: connection refused \\(ECONNREFUSED\\)`));
    expect((err as ProbeError).retryable).toBe(true);
  });

  it('times out with the tighter of its own timeout and the engine timeout', async () => {
    server = await startHttpServer(() => undefined); // never answers
    const started = performance.now();
    await expect(probe.observe({ url: server.url, timeout: '200ms' }, testContext({ timeoutMs: 10_000 }))).rejects.toThrow(
      /did not answer within 200ms/,
    );
    await expect(probe.observe({ url: server.url, timeout: '10s' }, testContext({ timeoutMs: 150 }))).rejects.toThrow(
      /did not answer within 150ms/,
    );
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('stops as soon as the caller aborts, rethrowing the caller reason', async () => {
    server = await startHttpServer(() => undefined);
    const ctl = new AbortController();
    const reason = new ProbeError('guard tripped');
    const pending = probe.observe({ url: server.url }, testContext({ signal: ctl.signal, timeoutMs: 30_000 }));
    setTimeout(() => ctl.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it('refuses hosts outside allowHosts, naming the host and the setting', async () => {
    server = await startHttpServer((_req, res) => res.end('ok'));
    const restricted = createHttpProbe({ allowHosts: ['localhost', '*.svc.cluster.local'] });
    await expect(restricted.observe({ url: server.url }, testContext())).rejects.toThrow(
      /host "127.0.0.1": it is not in the probes allowHosts setting \(allowed: localhost, \*\.svc\.cluster\.local\)/,
    );
    expect(server.requests).toHaveLength(0);
    const open = createHttpProbe({ allowHosts: ['127.0.0.1'] });
    expect((await open.observe({ url: server.url }, testContext())).value).toBe('ok');
  });

  it('never prints credentials from the URL or headers', async () => {
    server = await startHttpServer((_req, res) => res.end('ok'));
    const url = server.url.replace('http://', 'http://admin:hunter2@') + '/?token=s3cret&page=2';
    const obs = await probe.observe({ url, headers: { authorization: 'Bearer s3cret' } }, testContext());
    expect(obs.detail).not.toMatch(/hunter2|s3cret|admin/);
    expect(obs.detail).toContain('token=***&page=2');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer s3cret');
    const port = await freePort();
    const err = (await probe.observe({ url: `http://admin:hunter2@127.0.0.1:${port}/?api_key=s3cret` }, testContext()).catch((e: unknown) => e)) as Error;
    expect(err.message).not.toMatch(/hunter2|s3cret/);
  });
});
