import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKubeStandIn } from '../../../test/fixtures/kube-stand-in/index.js';
import { spawnCli } from './test-support/spawn-cli.js';
import { main } from './main.js';
import type { RunResultDocument } from './render/result-document.js';

type StandIn = Awaited<ReturnType<typeof startKubeStandIn>>;
let kube: StandIn;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-kube-cli-'));
  kube = await startKubeStandIn();
  kube.seed([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'faultline.dev/enabled': 'true' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'checkout', namespace: 'shop', labels: { app: 'checkout' } }, data: { PAYMENT_TIMEOUT: '2s', MODE: 'normal' } },
  ]);
});
afterEach(async () => {
  await kube.close();
  await rm(dir, { recursive: true, force: true });
});

async function configMap(): Promise<Record<string, string>> {
  return (kube.get('v1', 'ConfigMap', 'shop', 'checkout') as unknown as { data: Record<string, string> }).data;
}

describe('kubernetes.config-flip through the CLI (Kubernetes API stand-in)', () => {
  it('is restored exactly after SIGKILL + `faultline recover`, including a key that did not exist', async () => {
    const f = path.join(dir, 'flip.yaml');
    await writeFile(f, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: flip-checkout }
spec:
  duration: 10m
  targets:
    checkout-config: { kubernetes: { kind: ConfigMap, namespace: shop, name: checkout } }
  faults:
    - name: slow-payments
      type: kubernetes.config-flip
      target: checkout-config
      with: { data: { PAYMENT_TIMEOUT: 50ms, CHAOS: "on" } }
  blastRadius: { namespaces: [shop], requireLabel: "namespace:faultline.dev/enabled=true" }
`);
    const run = spawnCli(['run', f, '--output', 'jsonl', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath]);
    await run.waitForLine((l) => l.includes('"to":"holding"'));
    expect(await configMap()).toMatchObject({ PAYMENT_TIMEOUT: '50ms', CHAOS: 'on', MODE: 'normal' });
    run.child.kill('SIGKILL');
    await run.exit;
    const rec = spawnCli(['recover', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath]);
    expect(await rec.exit).toBe(0);
    expect(await configMap()).toEqual({ PAYMENT_TIMEOUT: '2s', MODE: 'normal' });
  });
});

describe('SIGKILL in the middle of a 1,000-target inject, then `faultline recover`', () => {
  it('every target the journal shows as touched is reverted by recover; no ConfigMap stays flipped', async () => {
    const n = 1000;
    kube.seed(Array.from({ length: n }, (_, i) => ({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `flag-${String(i).padStart(4, '0')}`, namespace: 'shop', labels: { app: 'flags' } }, data: { MODE: 'normal' },
    })));
    const flipped = () => kube.list('v1', 'ConfigMap', 'shop').filter((c) => (c as unknown as { data?: Record<string, string> }).data?.['CHAOS'] === 'on');
    const f = path.join(dir, 'flip-many.yaml');
    await writeFile(f, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: flip-all-flags }
spec:
  duration: 10m
  targets:
    flags: { kubernetes: { kind: ConfigMap, namespace: shop, selector: app=flags }, mode: { type: all } }
  faults:
    - name: chaos-on
      type: kubernetes.config-flip
      target: flags
      with: { data: { CHAOS: "on" } }
  blastRadius: { namespaces: [shop], requireLabel: "namespace:faultline.dev/enabled=true" }
`);
    const run = spawnCli(['run', f, '--output', 'jsonl', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath]);
    // Kill it while the inject phase is well under way: some targets done, others in flight, most untouched.
    // Counted from the request log incrementally (listing 1,000 ConfigMaps after every change would be quadratic).
    let seen = 0;
    let patched = 0;
    await kube.waitFor('300 ConfigMaps patched', () => {
      for (; seen < kube.requests.length; seen++) {
        const r = kube.requests[seen]!;
        if (r.verb === 'patch' && r.resource === 'configmaps' && r.status < 300) patched++;
      }
      return patched >= 300;
    }, 240_000);
    run.child.kill('SIGKILL');
    await run.exit;
    const touchedAtKill = flipped().length;
    expect(touchedAtKill).toBeGreaterThanOrEqual(300);
    expect(touchedAtKill).toBeLessThan(n);

    const [journalFile] = (await readdir(path.join(dir, 'runs'))).filter((x) => x.endsWith('.jsonl'));
    const runId = journalFile!.slice(0, -'.jsonl'.length);
    const rec = spawnCli(['recover', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath]);
    expect(await rec.exit).toBe(0);
    expect(flipped()).toEqual([]);
    expect(kube.list('v1', 'ConfigMap', 'shop').filter((c) => c.metadata.labels?.['app'] === 'flags').every((c) => JSON.stringify((c as unknown as { data: unknown }).data) === '{"MODE":"normal"}')).toBe(true);

    // Write-ahead held at the moment of the kill: every flipped ConfigMap had a fault-injecting record, and
    // recover journaled a confirmed revert for every record (none left only "reported").
    const events = (await readFile(path.join(dir, 'runs', journalFile!), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; target?: { name: string }; targetId?: string; by?: string; to?: string });
    const injecting = new Set(events.filter((e) => e.type === 'fault-injecting').map((e) => e.target!.name));
    expect(injecting.size).toBeGreaterThanOrEqual(touchedAtKill);
    const revertedByRecover = events.filter((e) => e.type === 'fault-reverted' && e.by === 'recover');
    expect(revertedByRecover.length).toBe(injecting.size);
    expect(events.at(-1)).toMatchObject({ type: 'verdict', outcome: 'aborted' });
    expect(rec.stdout()).toContain(runId);
  }, 400_000);
});

describe('kubernetes.pod-kill mode all on 1,000 pods, in-process', () => {
  it('prints one JSON document with every target reverted, and the process emits no warning', async () => {
    const n = 1000;
    kube.seed(Array.from({ length: n }, (_, i) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${String(i).padStart(4, '0')}`, namespace: 'shop', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x' }], terminationGracePeriodSeconds: 30 },
    })));
    const f = path.join(dir, 'kill-all.yaml');
    await writeFile(f, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: kill-all-web }
spec:
  duration: 1s
  targets:
    web: { kubernetes: { kind: Pod, namespace: shop, selector: app=web }, mode: { type: all } }
  faults:
    - { name: kill, type: kubernetes.pod-kill, target: web, with: { gracePeriod: 0s } }
  blastRadius: { namespaces: [shop], requireLabel: "namespace:faultline.dev/enabled=true" }
`);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    let out = '';
    let err = '';
    try {
      const code = await main(['run', f, '-o', 'json', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath], {
        stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) },
        env: { NO_COLOR: '1' }, cwd: dir, onSignal: () => () => undefined,
      });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
      expect({ code, err }).toEqual({ code: 0, err: '' });
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    const doc = JSON.parse(out) as RunResultDocument; // the whole of stdout is one document
    expect(doc).toMatchObject({ kind: 'RunResult', experiment: 'kill-all-web', outcome: 'completed', exitCode: 0, counts: { targets: n, reverted: n, notReverted: 0 } });
    expect(new Set(doc.targets.map((t) => t.target.name)).size).toBe(n);
    expect(doc.targets.every((t) => t.outcome === 'reverted' && t.injectedAt !== undefined)).toBe(true);
    expect(doc.timings.durationMs).toBeGreaterThan(0);
    expect(doc.phases.map((p) => p.state)).toContain('injecting');
    expect(kube.list('v1', 'Pod', 'shop')).toEqual([]);
  }, 240_000);
});
