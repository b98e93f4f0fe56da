import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKubeStandIn } from '../../../test/fixtures/kube-stand-in/index.js';
import { spawnCli } from './test-support/spawn-cli.js';

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
    const run = spawnCli(['run', f, '--output', 'json', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath]);
    await run.waitForLine((l) => l.includes('"to":"holding"'));
    expect(await configMap()).toMatchObject({ PAYMENT_TIMEOUT: '50ms', CHAOS: 'on', MODE: 'normal' });
    run.child.kill('SIGKILL');
    await run.exit;
    const rec = spawnCli(['recover', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath]);
    expect(await rec.exit).toBe(0);
    expect(await configMap()).toEqual({ PAYMENT_TIMEOUT: '2s', MODE: 'normal' });
  });
});
