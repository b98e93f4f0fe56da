import { afterEach, describe, expect, it } from 'vitest';
import { createSecretResolver, ProviderError, type SecretResolver, type Target } from '@faultline/core';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { startConfigApi, type ConfigApi } from '../test-support/config-api.js';
import { httpResolver } from '../target/http-target.js';
import { httpCallFault, type HttpCallParams } from './http-call.js';

const TOKEN = 'tok-5f1c9a7e-http-call';
const envResolver = (env: Record<string, string>): SecretResolver => createSecretResolver([{
  kind: 'env',
  async read(ref) {
    if (!('env' in ref)) throw new Error('not env');
    const v = env[ref.env];
    if (v === undefined) throw new Error(`environment variable ${ref.env} is not set in this process`);
    return v;
  },
}]);

const params: HttpCallParams = {
  inject: { method: 'PUT', path: '/settings/cache', body: { enabled: false, by: 'faultline {{runId}}' } },
  revert: { method: 'PUT', path: '/settings/cache', body: { enabled: true } },
  retries: 1,
};

async function targetFor(api: ConfigApi, allowHosts?: string[]): Promise<Target> {
  const [t] = await httpResolver(allowHosts ? { allowHosts } : {}).resolve(
    { url: api.url, headers: { Authorization: { secretRef: { env: 'CONFIG_TOKEN' } } } },
    { signal: new AbortController().signal, log: faultContext().log, timeoutMs: 5_000 },
  );
  return t!;
}

testFaultProviderContract<HttpCallParams, never>('http.call', {
  context: { secrets: envResolver({ CONFIG_TOKEN: `Bearer ${TOKEN}` }) },
  async setup() {
    const api = await startConfigApi(TOKEN);
    api.settings.set('cache', { enabled: true });
    return {
      provider: httpCallFault() as never,
      target: await targetFor(api),
      params,
      isActive: async () => (api.settings.get('cache') as { enabled?: boolean } | undefined)?.enabled === false,
      removeTarget: async () => { api.settings.delete('cache'); },
      freshProvider: () => httpCallFault() as never,
      dispose: () => api.close(),
    };
  },
});

describe('http.call', () => {
  let api: ConfigApi;
  afterEach(async () => api?.close());
  const secrets = () => envResolver({ CONFIG_TOKEN: `Bearer ${TOKEN}` });

  it('fills {{runId}} in, resolves the bearer token per request, and keeps the reference (not the value) in undo data', async () => {
    api = await startConfigApi(TOKEN);
    const t = await targetFor(api);
    const ctx = faultContext({ secrets: secrets() });
    const undo = await httpCallFault().inject(t, params, ctx);
    expect(api.settings.get('cache')).toEqual({ enabled: false, by: `faultline ${ctx.runId}` });
    expect(api.calls[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify({ undo, t })).not.toContain(TOKEN);
    expect(JSON.stringify(t.ref)).toContain('"secretRef":{"env":"CONFIG_TOKEN"}');
  });

  it('retries a 503 and fails on an unexpected 4xx with the body shown, the echoed token scrubbed', async () => {
    api = await startConfigApi(TOKEN);
    const t = await targetFor(api);
    api.failNext(1, 503);
    await httpCallFault().inject(t, params, faultContext({ secrets: secrets() }));
    expect(api.calls.map((c) => c.method)).toEqual(['PUT', 'PUT']);
    const echo: HttpCallParams = { ...params, inject: { method: 'PUT', path: '/echo' } };
    const err = await httpCallFault().inject(t, echo, faultContext({ secrets: secrets() })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/http\.call inject request of "contract" \(PUT http:\/\/127\.0\.0\.1:\d+\/echo\) answered 400, expected 2xx: .*\[redacted\]/);
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it('a revert that cannot resolve its reference fails naming the reference; expectStatus and allowHosts are honoured', async () => {
    api = await startConfigApi(TOKEN);
    const t = await targetFor(api);
    const undo = await httpCallFault().inject(t, params, faultContext({ secrets: secrets() }));
    const err = await httpCallFault().revert(t, undo, faultContext({ secrets: envResolver({}) })).catch((e: unknown) => e);
    expect((err as Error).message).toBe('secret reference (env CONFIG_TOKEN) cannot be resolved: environment variable CONFIG_TOKEN is not set in this process');
    await expect(httpCallFault().inject(t, { ...params, inject: { ...params.inject, expectStatus: [201] } }, faultContext({ secrets: secrets() })))
      .rejects.toThrow(/answered 200, expected 201/);
    await expect(targetFor(api, ['config.internal'])).rejects.toThrow(/may not call host "127\.0\.0\.1": it is not in the allowHosts setting \(allowed: config\.internal\)/);
    await expect(httpCallFault({ allowHosts: ['config.internal'] }).revert(t, undo, faultContext({ secrets: secrets() }))).rejects.toThrow(/allowHosts/);
  });

  it('refuses literal credentials and warns about a POST revert', async () => {
    api = await startConfigApi(TOKEN);
    await expect(httpResolver({}).resolve({ url: api.url, headers: { Authorization: 'Bearer x' } }, { signal: new AbortController().signal, log: faultContext().log, timeoutMs: 1000 }))
      .rejects.toThrow(/header Authorization must be a secret reference/);
    expect(httpCallFault().check?.({ ...params, revert: { method: 'POST', path: '/x', headers: { 'X-Api-Key': 'k' } } }).map((p) => p.path))
      .toEqual(['revert.headers.X-Api-Key', 'revert.method']);
  });
});
