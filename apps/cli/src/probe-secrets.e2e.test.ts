import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '@faultline/core';
import { defaultSecretResolver, Engine } from '@faultline/engine';
import { httpPlugin } from '@faultline/faults-http';
import { probesPlugin } from '@faultline/probes';
import { parseExperiment } from '@faultline/spec';
import { MemoryJournal } from '@faultline/testing';

// Probes with credentials as secret references, run by the engine: the value reaches the server,
// never the journal or the probe results.
const SECRET = 'probe-tok-3a9c71e0-never-journal-me';

interface Api { url: string; authorizations: string[]; close(): Promise<void> }

async function startApi(): Promise<Api> {
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/health')) {
        authorizations.push(req.headers.authorization ?? '');
        if (req.headers.authorization !== `Bearer ${SECRET}`) return void res.writeHead(401).end('Unauthorized');
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"up"}');
      }
      if (req.url?.startsWith('/api/v1/query')) {
        authorizations.push(req.headers.authorization ?? '');
        if (req.headers.authorization !== `Bearer ${SECRET}`) return void res.writeHead(401).end('Unauthorized');
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1_700_000_000, '0'] } }));
      }
      res.writeHead(200).end('{}'); // the http.call fault's inject and revert
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, authorizations,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const experiment = (url: string) => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: probe-secrets }
spec:
  duration: 100ms
  targets:
    settings: { http: { url: ${url} } }
  steadyState:
    - name: health
      http: { url: ${url}/health, headers: { Authorization: { secretRef: { env: PROBE_AUTH } } }, jsonPath: $.status }
      expect: { equals: up }
    - name: errors
      prometheus: { url: ${url}, query: up, bearerToken: { secretRef: { env: PROM_TOKEN } } }
      expect: { below: 1 }
  faults:
    - name: toggle
      type: http.call
      target: settings
      with:
        inject: { method: PUT, path: /toggle, body: { on: true } }
        revert: { method: PUT, path: /toggle, body: { on: false } }
`;

describe('probe credentials as secret references, through the engine', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });
  const registry = createRegistry([httpPlugin(), probesPlugin()]);

  it('passes with the value sent to the server; the journal and probe results hold only the reference', async () => {
    const journal = new MemoryJournal();
    const engine = new Engine({ registry, journal, secrets: defaultSecretResolver([], { PROBE_AUTH: `Bearer ${SECRET}`, PROM_TOKEN: SECRET }) });
    const run = engine.start(parseExperiment(experiment(api.url), { registry }));
    const result = await run.done;
    expect(result.outcome).toBe('completed');
    // Before and after checks: 2 probes each, all with the real credential.
    expect(api.authorizations).toEqual(Array(4).fill(`Bearer ${SECRET}`));
    const events = journal.events(run.runId);
    const text = JSON.stringify(events) + JSON.stringify(result);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('"secretRef":{"env":"PROBE_AUTH"}');
    const probeResults = events.flatMap((e) => (e.type === 'probe' ? [e.result] : []));
    expect(probeResults.map((r) => `${r.probe}:${r.ok}`).sort()).toEqual(['errors:true', 'errors:true', 'health:true', 'health:true']);
  });

  it('a missing variable fails the steady-state check with a reason naming the reference', async () => {
    api.authorizations.length = 0;
    const journal = new MemoryJournal();
    const engine = new Engine({ registry, journal, secrets: defaultSecretResolver([], { PROM_TOKEN: SECRET }) });
    const run = engine.start(parseExperiment(experiment(api.url), { registry }));
    const result = await run.done;
    expect(result.outcome).not.toBe('completed');
    const text = JSON.stringify(journal.events(run.runId)) + JSON.stringify(result);
    expect(text).toContain('secret reference (env PROBE_AUTH) cannot be resolved: environment variable PROBE_AUTH is not set in this process');
    expect(text).not.toContain(SECRET);
    // The http probe sent nothing without its credential; the prometheus probe still ran with its own.
    expect(api.authorizations).toEqual([`Bearer ${SECRET}`]);
  });
});
