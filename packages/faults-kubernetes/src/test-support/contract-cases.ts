// One provider-contract fixture per fault type, shared by each fault's tests and the permission drift test.
import type { ContractOptions } from '@faultline/testing';
import { configMap, contractFixture, deployment, pod, type KubeStandIn, type RecordedRequest } from './stand-in.js';
import { tlsSecret } from './tls.js';

export interface ContractCase {
  readonly type: string;
  readonly options: ContractOptions<any, any>;
}

const annotation = (kube: KubeStandIn, apiVersion: string, kind: string, ns: string, name: string, key: string) =>
  kube.get(apiVersion, kind, ns, name)?.metadata.annotations?.[key] !== undefined;

export function contractCases(sink?: RecordedRequest[]): Record<string, ContractCase> {
  const s = sink ? { sink } : {};
  return {
    'kubernetes.pod-kill': {
      type: 'kubernetes.pod-kill',
      options: {
        irreversible: true,
        setup: contractFixture({
          type: 'kubernetes.pod-kill', ...s,
          seed: (k) => void k.seed([pod('shop', 'solo-1')]),
          selector: { kind: 'Pod', namespace: 'shop', name: 'solo-1' },
          params: { gracePeriod: '0s' },
          isActive: (k) => k.get('v1', 'Pod', 'shop', 'solo-1') === undefined,
          removeTarget: (k) => k.remove('v1', 'Pod', 'shop', 'solo-1'),
        }),
      },
    },
    'kubernetes.scale': {
      type: 'kubernetes.scale',
      options: {
        setup: contractFixture({
          type: 'kubernetes.scale', ...s,
          seed: (k) => void k.seed([deployment('shop', 'checkout', { replicas: 3 })]),
          selector: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
          params: { replicas: 0 },
          isActive: (k) => (k.get('apps/v1', 'Deployment', 'shop', 'checkout')?.['spec'] as { replicas: number }).replicas === 0,
          removeTarget: (k) => k.remove('apps/v1', 'Deployment', 'shop', 'checkout'),
        }),
      },
    },
    'kubernetes.config-flip': {
      type: 'kubernetes.config-flip',
      options: {
        setup: contractFixture({
          type: 'kubernetes.config-flip', ...s,
          seed: (k) => void k.seed([configMap('shop', 'flags', { checkout: 'on' })]),
          selector: { kind: 'ConfigMap', namespace: 'shop', name: 'flags' },
          params: { data: { checkout: 'off', newKey: 'x' } },
          isActive: (k) => (k.get('v1', 'ConfigMap', 'shop', 'flags')?.['data'] as Record<string, string>)['checkout'] === 'off',
          removeTarget: (k) => k.remove('v1', 'ConfigMap', 'shop', 'flags'),
        }),
      },
    },
    'kubernetes.cert-expiry': {
      type: 'kubernetes.cert-expiry',
      options: {
        setup: contractFixture({
          type: 'kubernetes.cert-expiry', ...s,
          seed: async (k) => void k.seed([await tlsSecret('shop', 'shop-tls', ['shop.example.com'])]),
          selector: { kind: 'Secret', namespace: 'shop', name: 'shop-tls' },
          params: { variant: 'expired' },
          isActive: (k) => annotation(k, 'v1', 'Secret', 'shop', 'shop-tls', 'faultline.dev/cert-expiry'),
          removeTarget: (k) => k.remove('v1', 'Secret', 'shop', 'shop-tls'),
        }),
      },
    },
    'kubernetes.network-partition': {
      type: 'kubernetes.network-partition',
      options: {
        setup: contractFixture({
          type: 'kubernetes.network-partition', ...s,
          seed: (k) => void k.seed([pod('shop', 'solo-1')]),
          selector: { kind: 'Pod', namespace: 'shop', name: 'solo-1' },
          params: { direction: 'both' },
          isActive: (k) => k.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop').length > 0,
          removeTarget: (k) => k.remove('v1', 'Pod', 'shop', 'solo-1'),
        }),
      },
    },
  };
}
