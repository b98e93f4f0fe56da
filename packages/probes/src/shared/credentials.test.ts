import { afterEach, describe, expect, it } from 'vitest';
import { createSecretResolver, ProbeError, type SecretSource } from '@faultline/core';
import { Ajv } from 'ajv';
import { createHttpProbe } from '../http/http-probe.js';
import { createPrometheusProbe } from '../prometheus/prometheus-probe.js';
import { answers } from '../test-support/fake-prometheus.js';
import { startHttpServer, type TestHttpServer } from '../test-support/http-server.js';
import { testContext } from '../test-support/context.js';

const SECRET = 'tok-5ecret-never-printed-91f2';

/** An env source over a map the test controls (the engine's real one reads process.env the same way). */
function envSource(env: Record<string, string | undefined>): SecretSource {
  return {
    kind: 'env',
    async read(ref) {
      if (!('env' in ref)) throw new Error('not an env reference');
      const v = env[ref.env];
      if (v === undefined || v === '') throw new Error(`environment variable ${ref.env} is not set in this process`);
      return v;
    },
  };
}

let server: TestHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that answers 401 unless Authorization is exactly `Bearer <SECRET>`. */
async function guarded(ok: () => { status?: number; body: unknown }): Promise<TestHttpServer> {
  return (server = await startHttpServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${SECRET}`) {
      res.statusCode = 401;
      res.end('Unauthorized');
      return;
    }
    const a = ok();
    res.statusCode = a.status ?? 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(a.body));
  }));
}

describe('probe credentials as secret references', () => {
  it('http probe: headers take { secretRef }, read at each call, never in the observation', async () => {
    const s = await guarded(() => ({ body: { status: 'up' } }));
    // A header reference is the whole header value.
    const env: Record<string, string | undefined> = { PROBE_TOKEN: `Bearer ${SECRET}` };
    const secrets = createSecretResolver([envSource(env)]);
    const params = { url: `${s.url}/health`, headers: { Authorization: { secretRef: { env: 'PROBE_TOKEN' } }, 'x-team': 'shop' }, jsonPath: '$.status' };
    const obs = await createHttpProbe().observe(params, testContext({ secrets }));
    expect(obs).toMatchObject({ status: 200, value: 'up' });
    expect(JSON.stringify(obs)).not.toContain(SECRET);
    expect(s.requests[0]?.headers['x-team']).toBe('shop');

    // Rotated: the next call reads the new value (no caching).
    env['PROBE_TOKEN'] = 'Bearer rotated-away';
    const after = await createHttpProbe().observe(params, testContext({ secrets }));
    expect(after.status).toBe(401);
    expect(s.requests[1]?.headers.authorization).toBe('Bearer rotated-away');
  });

  it('http probe: a missing variable is a ProbeError naming the reference, and nothing is sent', async () => {
    const s = await guarded(() => ({ body: 'ok' }));
    const secrets = createSecretResolver([envSource({})]);
    const err = (await createHttpProbe()
      .observe({ url: s.url, headers: { Authorization: { secretRef: { env: 'PROBE_TOKEN' } } } }, testContext({ secrets }))
      .catch((e: unknown) => e)) as ProbeError;
    expect(err).toBeInstanceOf(ProbeError);
    expect(err.message).toBe(
      `http probe GET ${s.url}/ header Authorization: secret reference (env PROBE_TOKEN) cannot be resolved: environment variable PROBE_TOKEN is not set in this process`,
    );
    expect(err.hint).toMatch(/Make the secret available/);
    expect(s.requests).toHaveLength(0);
  });

  it('a reference without a resolver in the call context is a clear ProbeError', async () => {
    const err = (await createHttpProbe()
      .observe({ url: 'http://127.0.0.1:9/', headers: { Authorization: { secretRef: { file: '/run/secrets/t' } } } }, testContext())
      .catch((e: unknown) => e)) as ProbeError;
    expect(err).toBeInstanceOf(ProbeError);
    expect(err.message).toMatch(/header Authorization: secret reference \(file \/run\/secrets\/t\) cannot be resolved: no secret resolver was given/);
  });

  it('prometheus probe: bearerToken, basicAuth.password and headers take { secretRef }', async () => {
    const s = await guarded(() => answers.scalar('0.25'));
    const secrets = createSecretResolver([envSource({ PROM_TOKEN: SECRET, PROM_PASSWORD: 'pw-5ecret', TENANT: 'shop' })]);
    const probe = createPrometheusProbe();
    const obs = await probe.observe({ url: s.url, query: 'up', bearerToken: { secretRef: { env: 'PROM_TOKEN' } }, headers: { 'X-Scope-OrgID': { secretRef: { env: 'TENANT' } } } }, testContext({ secrets }));
    expect(obs.value).toBe(0.25);
    expect(JSON.stringify(obs)).not.toContain(SECRET);
    expect(s.requests[0]?.headers['x-scope-orgid']).toBe('shop');

    const basic = (await probe
      .observe({ url: s.url, query: 'up', basicAuth: { username: 'grafana', password: { secretRef: { env: 'PROM_PASSWORD' } } } }, testContext({ secrets }))
      .catch((e: unknown) => e)) as ProbeError;
    expect(s.requests[1]?.headers.authorization).toBe(`Basic ${Buffer.from('grafana:pw-5ecret').toString('base64')}`);
    expect(basic.message).toMatch(/answered HTTP 401/);
    expect(`${basic.message} ${basic.hint}`).not.toContain('pw-5ecret');
  });

  it('prometheus probe: a missing reference names it and sends nothing', async () => {
    const s = await guarded(() => answers.scalar('1'));
    const secrets = createSecretResolver([envSource({})]);
    await expect(
      createPrometheusProbe().observe({ url: s.url, query: 'up', bearerToken: { secretRef: { env: 'PROM_TOKEN' } } }, testContext({ secrets })),
    ).rejects.toThrow(`prometheus probe at ${s.url}: bearerToken: secret reference (env PROM_TOKEN) cannot be resolved: environment variable PROM_TOKEN is not set in this process`);
    expect(s.requests).toHaveLength(0);
  });

  it('the params schemas accept a reference where a credential goes, and nowhere else', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    const http = ajv.compile(createHttpProbe().paramsSchema);
    const prom = ajv.compile(createPrometheusProbe().paramsSchema);
    const ref = { secretRef: { env: 'T' } };
    expect(http({ url: 'http://127.0.0.1/', headers: { Authorization: ref } })).toBe(true);
    expect(http({ url: 'http://127.0.0.1/', headers: { Authorization: { secretRef: { env: 'T' }, extra: 1 } } })).toBe(false);
    expect(http({ url: ref })).toBe(false);
    expect(prom({ url: 'http://127.0.0.1/', query: 'up', bearerToken: ref, headers: { 'X-Scope-OrgID': ref } })).toBe(true);
    expect(prom({ url: 'http://127.0.0.1/', query: 'up', basicAuth: { username: 'u', password: ref } })).toBe(true);
    expect(prom({ url: 'http://127.0.0.1/', query: 'up', bearerToken: '' })).toBe(false);
    expect(prom({ url: 'http://127.0.0.1/', query: 'up', bearerToken: { secretRef: { vault: 'x' } } })).toBe(false);
  });
});
