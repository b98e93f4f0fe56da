// Test helpers: the plugin wired to the Kubernetes API stand-in through a real kubeconfig file.
import { silentLogger, type CallContext, type FaultProvider, type Json, type Target } from '@faultline/core';
import { faultContext, type ContractFixture } from '@faultline/testing';
import { startKubeStandIn, type KubeObject, type KubeStandIn, type RecordedRequest } from '../../../../test/fixtures/kube-stand-in/index.js';
import { kubernetesPlugin, type KubernetesPlugin, type KubernetesPluginOptions } from '../plugin.js';
import type { KubernetesSelector } from '../target/resolver.js';

export type { KubeObject, KubeStandIn, RecordedRequest };

export interface KubeHarness {
  readonly kube: KubeStandIn;
  readonly plugin: KubernetesPlugin;
  fault<P, U extends Json>(type: string): FaultProvider<P, U>;
  /** A second plugin instance on the same cluster, as a fresh process would build it. */
  freshFault<P, U extends Json>(type: string): FaultProvider<P, U>;
  resolve(selector: KubernetesSelector): Promise<Target[]>;
  close(): Promise<void>;
}

export const callContext = (overrides: Partial<CallContext> = {}): CallContext => ({
  signal: new AbortController().signal, log: silentLogger, timeoutMs: 10_000, ...overrides,
});

export async function startHarness(opts: Omit<KubernetesPluginOptions, 'kubeconfigPath'> = {}): Promise<KubeHarness> {
  const kube = await startKubeStandIn();
  const make = () => kubernetesPlugin({ kubeconfigPath: kube.kubeconfigPath, timeoutMs: 5_000, ...opts });
  const plugin = make();
  const pick = (p: KubernetesPlugin, type: string) => {
    const f = p.faults?.find((x) => x.type === type);
    if (!f) throw new Error(`no fault ${type}`);
    return f;
  };
  return {
    kube,
    plugin,
    fault: <P, U extends Json>(type: string) => pick(plugin, type) as FaultProvider<P, U>,
    freshFault: <P, U extends Json>(type: string) => pick(make(), type) as FaultProvider<P, U>,
    resolve: (selector) => (plugin.resolvers?.[0] as { resolve(s: KubernetesSelector, c: CallContext): Promise<Target[]> }).resolve(selector, callContext()),
    close: () => kube.close(),
  };
}

export function deployment(namespace: string, name: string, opts: { replicas?: number; labels?: Record<string, string>; env?: Array<{ name: string; value: string }>; volumes?: unknown[] } = {}): KubeObject {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels },
    spec: {
      replicas: opts.replicas ?? 2, selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'app', image: 'shop:1', ...(opts.env ? { env: opts.env } : {}) }, { name: 'sidecar', image: 'proxy:1' }],
          ...(opts.volumes ? { volumes: opts.volumes } : {}),
        },
      },
    },
  };
}

export function statefulSet(namespace: string, name: string, replicas = 2): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace, labels },
    spec: { replicas, serviceName: name, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } },
  };
}

export function configMap(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function pod(namespace: string, name: string, labels: Record<string, string> = { app: 'solo' }): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'x' }], terminationGracePeriodSeconds: 30 } };
}

/** Waits until a Deployment reports `ready` ready replicas. */
export function waitReady(kube: KubeStandIn, namespace: string, name: string, ready: number, kind: 'Deployment' | 'StatefulSet' = 'Deployment'): Promise<void> {
  return kube.waitFor(`${kind} ${namespace}/${name} to have ${ready} ready replicas`, () => {
    const d = kube.get('apps/v1', kind, namespace, name) as { status?: { readyReplicas?: number } } | undefined;
    return (d?.status?.readyReplicas ?? 0) === ready;
  });
}

/** Runs the contract suite's fixture against a harness; requests of every harness are collected in `sink`. */
export function contractFixture<P, U extends Json>(opts: {
  type: string;
  seed: (kube: KubeStandIn) => Promise<void> | void;
  selector: KubernetesSelector;
  params: P;
  isActive: (kube: KubeStandIn) => boolean;
  removeTarget: (kube: KubeStandIn) => void;
  sink?: RecordedRequest[];
}): () => Promise<ContractFixture<P, U>> {
  return async () => {
    const h = await startHarness();
    await opts.seed(h.kube);
    const [target] = await h.resolve(opts.selector);
    if (!target) throw new Error(`contract fixture: ${JSON.stringify(opts.selector)} resolved to nothing`);
    return {
      provider: h.fault<P, U>(opts.type),
      target,
      params: opts.params,
      isActive: async () => opts.isActive(h.kube),
      removeTarget: async () => opts.removeTarget(h.kube),
      freshProvider: () => h.freshFault<P, U>(opts.type),
      dispose: async () => {
        opts.sink?.push(...h.kube.requests);
        await h.close();
      },
    };
  };
}

export { faultContext };
