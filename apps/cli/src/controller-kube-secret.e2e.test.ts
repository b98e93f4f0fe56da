import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isTerminal } from '@faultline/core';
import { startKubeStandIn, type KubeStandIn } from '../../../test/fixtures/kube-stand-in/index.js';
import { getRun, kill9, startReplica, submitRun, until, type Replica } from './test-support/replicas.js';

// Issue 17: a Kubernetes Secret as a secret source of the controller (`faultline server --kubernetes`).
// The reference is resolved at inject by the replica that runs it and again at revert by the replica that
// adopts it after a SIGKILL; the Secret is rotated in between, so the revert must read it afresh. Then
// every artefact (SQLite store files, both replicas' output, JSON/HTML/JUnit reports, the SSE journal) is
// searched for both values and their base64 forms.
const FIRST = 'Bearer kube-sk-1f0e9d8c7b6a-never-store-me';
const ROTATED = 'Bearer kube-sk-2a3b4c5d6e7f-rotated-never-store-me';

let kube: KubeStandIn;
let dir: string;
let current = FIRST;
const received: string[] = [];
const state = new Map<string, unknown>();
let server: http.Server;
let apiUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-kube-secret-'));
  kube = await startKubeStandIn();
  kube.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'settings-api', namespace: 'shop' }, data: { token: Buffer.from(FIRST).toString('base64') } } as never]);
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      received.push(req.headers.authorization ?? '');
      if (req.headers.authorization !== current) return res.writeHead(401).end('{"error":"bad token"}');
      state.set(req.url ?? '/', JSON.parse(body || 'null'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await kube.close();
  await rm(dir, { recursive: true, force: true });
});

it('inject and the adopting replica\'s revert read the Secret at use time; no artefact holds its value', { timeout: 240_000 }, async () => {
  const database = path.join(dir, 'faultline.db');
  const opts = { database, ownerTtlMs: 3000, adoptEveryMs: 200, extraArgs: ['--kubernetes', '--kubeconfig', kube.kubeconfigPath] };
  const replicas: Replica[] = [];
  try {
    const a = await startReplica({ ...opts, id: 'kube-a' });
    replicas.push(a);
    const b = await startReplica({ ...opts, id: 'kube-b' });
    replicas.push(b);
    const runId = await submitRun(a.url, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: kube-secret }
spec:
  duration: 10m
  targets:
    settings:
      http:
        url: ${apiUrl}
        headers: { Authorization: { secretRef: { kubernetes: { namespace: shop, name: settings-api, key: token } } } }
  faults:
    - name: cache-off
      type: http.call
      target: settings
      with:
        inject: { method: PUT, path: /settings/cache, body: { enabled: false } }
        revert: { method: PUT, path: /settings/cache, body: { enabled: true } }
`);
    await until('holding', () => getRun(b.url, runId), (r) => r.state === 'holding' || isTerminal(r.state as never), 120_000);
    expect((await getRun(b.url, runId)).state).toBe('holding');
    expect(state.get('/settings/cache')).toEqual({ enabled: false });
    expect(received).toEqual([FIRST]);

    // The credential is rotated during the hold; the replica running the run dies.
    kube.modify('v1', 'Secret', 'shop', 'settings-api', (s) => { (s as unknown as { data: Record<string, string> }).data = { token: Buffer.from(ROTATED).toString('base64') }; });
    current = ROTATED;
    await kill9(a);
    const done = await until('adopted and reverted', () => getRun(b.url, runId), (r) => isTerminal(r.state as never), 120_000);
    expect(done.state).toBe('aborted');
    expect(done.reason).toMatch(/replica kube-a stopped renewing.*adopted by kube-b.*reverted 1 fault record/);
    expect(state.get('/settings/cache')).toEqual({ enabled: true });
    expect(received.at(-1)).toBe(ROTATED);

    const texts: Array<[string, string]> = [];
    for (const format of ['json', 'html', 'junit']) texts.push([`report ${format}`, await (await fetch(`${b.url}/v1/runs/${runId}/report?format=${format}`)).text()]);
    texts.push(['run', await (await fetch(`${b.url}/v1/runs/${runId}`)).text()]);
    texts.push(['events (SSE)', await (await fetch(`${b.url}/v1/runs/${runId}/events`)).text()]);
    expect(texts[4]![1]).toContain('"secretRef":{"kubernetes":{"namespace":"shop","name":"settings-api","key":"token"}}');
    await kill9(b);
    for (const r of replicas) texts.push([`replica ${r.id} stdout`, r.proc.stdout()], [`replica ${r.id} stderr`, r.proc.stderr()]);
    for (const f of await readdir(dir)) texts.push([f, (await readFile(path.join(dir, f))).toString('latin1')]);
    expect(texts.some(([name]) => name === 'faultline.db')).toBe(true);
    const values = [FIRST, ROTATED].flatMap((v) => [v, v.replace('Bearer ', ''), Buffer.from(v).toString('base64')]);
    const leaks = texts.flatMap(([name, text]) => values.filter((v) => text.includes(v)).map((v) => `${name} holds ${v.slice(0, 12)}…`));
    expect(leaks).toEqual([]);
  } finally {
    for (const r of replicas) await kill9(r);
  }
});
