import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { createRegistry, type Probe } from '@faultline/core';
import { probesPlugin } from './plugin.js';
import { testContext } from './test-support/context.js';

describe('probesPlugin', () => {
  it('registers http, prometheus and tcp with schemas and summaries', () => {
    const registry = createRegistry([probesPlugin()]);
    expect([...registry.probes.keys()].sort()).toEqual(['http', 'prometheus', 'tcp']);
    for (const probe of registry.probes.values() as Iterable<Probe<any>>) {
      expect(probe.summary).toMatch(/^[A-Z].+\.$/);
      expect(probe.summary).not.toContain('\n');
      expect(probe.paramsSchema.additionalProperties).toBe(false);
    }
  });

  it('schemas accept good params and reject typos, bad durations and bad JSON paths', () => {
    const { probes } = createRegistry([probesPlugin()]);
    const schema = (kind: string) => (probes.get(kind) as Probe<any>).paramsSchema;
    expect(Value.Check(schema('http'), { url: 'http://127.0.0.1/health', timeout: '500ms', jsonPath: '$.checks[0].ok', body: { a: 1 } })).toBe(true);
    expect(Value.Check(schema('http'), { url: 'http://x', timeout: '500' })).toBe(false);
    expect(Value.Check(schema('http'), { url: 'http://x', jsonPath: '$..a' })).toBe(false);
    expect(Value.Check(schema('http'), { url: 'ftp://x' })).toBe(false);
    expect(Value.Check(schema('http'), { url: 'http://x', metod: 'GET' })).toBe(false);
    expect(Value.Check(schema('prometheus'), { url: 'http://p:9090', query: 'up', reduce: 'max', basicAuth: { username: 'a', password: 'b' } })).toBe(true);
    expect(Value.Check(schema('prometheus'), { url: 'http://p:9090', query: 'up', reduce: 'median' })).toBe(false);
    expect(Value.Check(schema('tcp'), { host: 'db', port: 5432, timeout: '1s' })).toBe(true);
    expect(Value.Check(schema('tcp'), { host: 'db', port: 70000 })).toBe(false);
  });

  it('passes allowHosts to every probe', async () => {
    const { probes } = createRegistry([probesPlugin({ allowHosts: [] })]);
    await expect(probes.get('tcp')?.observe({ host: '127.0.0.1', port: 1 }, testContext())).rejects.toThrow(/allowed: none/);
    await expect(probes.get('http')?.observe({ url: 'http://127.0.0.1:1/' }, testContext())).rejects.toThrow(/allowHosts/);
    await expect(probes.get('prometheus')?.observe({ url: 'http://127.0.0.1:1', query: 'up' }, testContext())).rejects.toThrow(/allowHosts/);
  });
});
