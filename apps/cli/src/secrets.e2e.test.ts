import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type JournalEvent } from '@faultline/core';
import { defaultSecretResolver, Engine, recover } from '@faultline/engine';
import { httpPlugin } from '@faultline/faults-http';
import { parseExperiment } from '@faultline/spec';
import { openStore } from '@faultline/store';
import { spawnCli } from './test-support/spawn-cli.js';

// The secret must never reach an artefact: journals, reports (JSON, HTML, JUnit), store rows, stdout/stderr.
// The settings API echoes request headers in its error answers, as careless servers do.
const SECRET = 'Bearer sk-live-7d3f0c2b9a4e61-never-journal-me';

interface Api { url: string; received: string[]; state: Map<string, unknown>; close(): Promise<void> }

async function startApi(): Promise<Api> {
  const received: string[] = [];
  const state = new Map<string, unknown>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      received.push(req.headers.authorization ?? '');
      if (req.headers.authorization !== SECRET) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad token', got: req.headers.authorization ?? null }));
        return;
      }
      state.set(req.url ?? '/', JSON.parse(body || 'null'));
      // Echoes the credential back, to prove scrubbing of answers that end up in messages.
      res.writeHead(req.url === '/echo' ? 400 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, auth: req.headers.authorization }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, state,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const experiment = (url: string, injectPath = '/settings/cache') => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: secret-never-written }
spec:
  duration: 200ms
  targets:
    settings:
      http:
        url: ${url}
        headers: { Authorization: { secretRef: { env: SETTINGS_TOKEN } } }
  faults:
    - name: cache-off
      type: http.call
      target: settings
      with:
        inject: { method: PUT, path: ${injectPath}, body: { enabled: false, run: "{{runId}}" } }
        revert: { method: PUT, path: /settings/cache, body: { enabled: true } }
        retries: 0
`;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out;
}

describe('secret references never reach an artefact', () => {
  let api: Api;
  let dir: string;
  beforeAll(async () => {
    api = await startApi();
    dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-secrets-'));
  });
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a CLI run: journal files, JSON/HTML/JUnit reports, stdout and stderr hold the reference, never the value', async () => {
    const file = path.join(dir, 'exp.yaml');
    const stateDir = path.join(dir, 'state');
    await writeFile(file, experiment(api.url, '/echo'));
    // Inject answers 400 with the token echoed: the run fails, and the error message must be scrubbed.
    const run = spawnCli(['run', file, '--output', 'json', '--verbose', '--state-dir', stateDir, '--junit', path.join(dir, 'r.xml'), '--report', path.join(dir, 'r.html')], { env: { SETTINGS_TOKEN: SECRET } });
    expect(await run.exit).toBe(3);
    // -o json: one result document.
    const result = JSON.parse(run.stdout()) as { kind: string; runId: string; outcome: string; reason: string };
    expect(result.kind).toBe('RunResult');
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/answered 400.*\[redacted\]/);
    const report = spawnCli(['report', result.runId, '--format', 'json', '--state-dir', stateDir, '--out', path.join(dir, 'r.json')]);
    expect(await report.exit).toBe(0);
    // The server did get the token (so the test is not vacuous), through both requests.
    expect(api.received).toEqual([SECRET, SECRET]);
    expect(api.state.get('/settings/cache')).toEqual({ enabled: true });
    const artefacts = await filesUnder(dir);
    expect(artefacts.some((f) => f.endsWith('.jsonl') || f.includes(result.runId))).toBe(true);
    for (const f of artefacts.filter((x) => !x.endsWith('exp.yaml'))) expect({ file: f, leaked: (await readFile(f, 'utf8')).includes(SECRET) }).toEqual({ file: f, leaked: false });
    for (const text of [run.stdout(), run.stderr(), report.stdout(), report.stderr()]) expect(text.includes(SECRET)).toBe(false);
    expect(await readFile(path.join(dir, 'r.json'), 'utf8')).toContain(result.runId);
    // The journal keeps the reference, which is what recover needs in a fresh process.
    const journals = artefacts.filter((f) => f.startsWith(stateDir));
    expect((await Promise.all(journals.map((f) => readFile(f, 'utf8')))).join('\n')).toContain('"secretRef":{"env":"SETTINGS_TOKEN"}');
  });

  it('store rows: an engine run on the SQL store, a revert whose reference vanished ends revert-pending naming it, recover reverts once it is back', async () => {
    const dbFile = path.join(dir, 'faultline.db');
    const store = await openStore(dbFile);
    try {
      const env: Record<string, string | undefined> = { SETTINGS_TOKEN: SECRET };
      const registry = createRegistry([httpPlugin()]);
      const exp = parseExperiment(experiment(api.url).replace('retries: 0', 'retries: 0\n  revert: { maxAttempts: 2, initialBackoff: 1ms, maxBackoff: 1ms }'), { registry });
      const events: JournalEvent[] = [];
      const engine = new Engine({
        registry, journal: store, secrets: defaultSecretResolver([], env),
        onEvent: (e) => {
          events.push(e);
          // The credential disappears during the hold (rotated away, pod restarted without it).
          if (e.type === 'transition' && e.to === 'holding') delete env['SETTINGS_TOKEN'];
        },
      });
      const created = await store.createRun({ experiment: exp.metadata.name, labels: {}, source: 'api' });
      const result = await engine.start(exp, { runId: created.runId }).done;
      expect(result.outcome).toBe('revert-pending');
      expect(result.reason).toContain('secret reference (env SETTINGS_TOKEN) cannot be resolved: environment variable SETTINGS_TOKEN is not set in this process');
      expect(api.state.get('/settings/cache')).toMatchObject({ enabled: false });

      // recover in a "fresh process": only the store's journal, the reference resolved again.
      const recovered = await recover({ registry, source: store, sink: store, force: true, runIds: [created.runId], secrets: defaultSecretResolver([], { SETTINGS_TOKEN: SECRET }) });
      expect(recovered[0]).toMatchObject({ action: 'reverted' });
      expect(api.state.get('/settings/cache')).toEqual({ enabled: true });

      const rows = await store.read(created.runId);
      expect(JSON.stringify(rows)).toContain('"secretRef":{"env":"SETTINGS_TOKEN"}');
      expect(JSON.stringify(rows)).not.toContain(SECRET);
      expect(JSON.stringify(await store.getRun(created.runId))).not.toContain(SECRET);
    } finally {
      await store.close();
    }
    for (const f of (await readdir(dir)).filter((x) => x.startsWith('faultline.db'))) {
      expect({ f, leaked: (await readFile(path.join(dir, f))).includes(Buffer.from(SECRET)) }).toEqual({ f, leaked: false });
    }
  });
});
