import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { kubernetesPlugin } from '@faultline/faults-kubernetes';
import { startController, type Controller } from '@faultline/controller';
import { startKubeStandIn, type KubeStandIn } from '../fixtures/kube-stand-in/index.js';
// The controller's own test steps, shared with its Toxiproxy and Docker revert-pending tests.
import { experimentParser } from '../../apps/controller/src/experiment-parser.js';
import { backgroundRetryNotes, retriedReason, revertPendingMetric, runState, until, untilHolding } from '../../apps/controller/src/test-support/revert-pending.js';

// Revert while the Kubernetes API is down: a config-flip holds on a ConfigMap; the API server stops (its
// objects stay, as etcd's do) before the run's revert; the run stays revert-pending, the owner retries with
// backoff, and when the API server is back on the same address the retry restores the ConfigMap.
let dir: string;
let kube: KubeStandIn;
let controller: Controller | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-pending-kube-'));
  kube = await startKubeStandIn();
  kube.seed([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'faultline.dev/enabled': 'true' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'checkout', namespace: 'shop' }, data: { PAYMENT_TIMEOUT: '2s', MODE: 'normal' } },
  ]);
});
afterEach(async () => {
  await controller?.close();
  controller = undefined;
  await kube.close();
  await rm(dir, { recursive: true, force: true });
});

const data = () => (kube.get('v1', 'ConfigMap', 'shop', 'checkout') as unknown as { data: Record<string, string> }).data;

it('a run whose Kubernetes API is down stays revert-pending, is retried by its owner, and is restored when the API returns', { timeout: 120_000 }, async () => {
  const plugin = kubernetesPlugin({ kubeconfigPath: kube.kubeconfigPath, timeoutMs: 2_000 });
  controller = await startController({
    database: `sqlite:${path.join(dir, 'faultline.db')}`, port: 0, authRequired: false, rateLimitPerMinute: false,
    revertRetryMs: 100, replicaId: 'replica-k', plugins: [plugin],
  });
  const experiment = await experimentParser(controller.registry)(`apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: flip-checkout }
spec:
  duration: 1h
  revert: { timeout: 1s, maxAttempts: 2, initialBackoff: 20ms, maxBackoff: 50ms }
  targets:
    checkout-config: { kubernetes: { kind: ConfigMap, namespace: shop, name: checkout } }
  faults:
    - { name: slow-payments, type: kubernetes.config-flip, target: checkout-config, with: { data: { PAYMENT_TIMEOUT: 50ms, CHAOS: "on" } } }
  blastRadius: { namespaces: [shop], requireLabel: "namespace:faultline.dev/enabled=true" }
`, 'test');
  const { run } = await controller.runHost.start({ experiment, source: 'api' });
  await untilHolding(controller, run.runId);
  expect(data()).toEqual({ PAYMENT_TIMEOUT: '50ms', MODE: 'normal', CHAOS: 'on' });

  await kube.stopApiServer(); // kube-apiserver goes away; the flipped ConfigMap stays in etcd
  await controller.runHost.abort(run.runId, 'operator abort while the Kubernetes API is down');
  await until('revert-pending', async () => (await runState(controller!, run.runId)).state === 'revert-pending');
  expect((await runState(controller, run.runId)).reason)
    .toMatch(/could not revert "slow-payments" on shop\/checkout \(last error: Kubernetes .+ could not reach the API server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) configured in .+\)/);
  expect(await revertPendingMetric(controller)).toBe(1);
  // Background retries keep failing while the API is down: never finished, the flip still in place.
  await until('two failed background retries', async () => (await backgroundRetryNotes(controller!, run.runId)).length >= 2);
  expect(['revert-pending', 'reverting']).toContain((await runState(controller, run.runId)).state);
  expect(await revertPendingMetric(controller)).toBe(1);
  expect(data()['CHAOS']).toBe('on');

  await kube.startApiServer(); // back on the same address, objects as they were
  const back = performance.now();
  await until('restored by a retry', async () => (await runState(controller!, run.runId)).state === 'aborted');
  console.log(`kubernetes: API back -> run reverted in ${(performance.now() - back).toFixed(0)} ms`);
  expect(data()).toEqual({ PAYMENT_TIMEOUT: '2s', MODE: 'normal' });
  expect((await runState(controller, run.runId)).reason).toMatch(retriedReason('replica-k'));
  expect(await revertPendingMetric(controller)).toBe(0);
});
