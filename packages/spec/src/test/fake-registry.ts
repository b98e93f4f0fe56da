import { createRegistry, DurationString, type FaultProvider, type Probe, type Registry, type TargetResolver } from '@faultline/core';
import { Type } from '@sinclair/typebox';

const unused = (): never => {
  throw new Error('spec tests never call providers');
};

const toxiproxyResolver: TargetResolver = {
  kind: 'toxiproxy',
  selectorSchema: Type.Object(
    { api: Type.String({ format: 'uri', description: 'Toxiproxy API URL' }), proxy: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  resolve: unused,
};

const kubernetesResolver: TargetResolver = {
  kind: 'kubernetes',
  selectorSchema: Type.Object(
    {
      kind: Type.Unsafe<string>({ type: 'string', enum: ['Pod', 'Deployment'] }),
      namespace: Type.String(),
      selector: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  resolve: unused,
};

const latency: FaultProvider<{ latency: string; jitter?: string; stream?: string }> = {
  type: 'toxiproxy.latency',
  targetKind: 'toxiproxy',
  summary: 'adds latency',
  paramsSchema: Type.Object(
    {
      latency: DurationString(),
      jitter: Type.Optional(DurationString()),
      stream: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['upstream', 'downstream'] })),
    },
    { additionalProperties: false },
  ),
  check(params) {
    return params.jitter === '999ms' ? [{ path: 'jitter', message: 'jitter must be smaller than latency' }] : [];
  },
  inject: unused,
  revert: unused,
};

const down: FaultProvider = {
  type: 'toxiproxy.down',
  targetKind: 'toxiproxy',
  summary: 'disables the proxy',
  paramsSchema: Type.Object({}, { additionalProperties: false }),
  inject: unused,
  revert: unused,
};

const podKill: FaultProvider = {
  type: 'kubernetes.pod-kill',
  targetKind: 'kubernetes',
  summary: 'deletes pods',
  irreversible: true,
  paramsSchema: Type.Object({ gracePeriod: Type.Optional(DurationString()) }, { additionalProperties: false }),
  check(params) {
    if (params['gracePeriod'] === '13s') throw new Error('boom');
    return [];
  },
  inject: unused,
  revert: unused,
};

const http: Probe = {
  kind: 'http',
  summary: 'GET a URL',
  paramsSchema: Type.Object(
    { url: Type.String({ format: 'uri' }), method: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['GET', 'HEAD', 'POST'] })), timeout: Type.Optional(DurationString()) },
    { additionalProperties: false },
  ),
  observe: unused,
};

const prometheus: Probe = {
  kind: 'prometheus',
  summary: 'instant query',
  paramsSchema: Type.Object({ url: Type.String(), query: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  observe: unused,
};

/**
 * A registry of fake providers (schemas only). `kubernetes.pod-kill`'s check throws on purpose for gracePeriod 13s and
 * `toxiproxy.latency`'s check rejects jitter 999ms, to test how provider checks surface.
 */
export function fakeRegistry(): Registry {
  return createRegistry([
    { name: 'fake-toxiproxy', resolvers: [toxiproxyResolver], faults: [latency, down] },
    { name: 'fake-kubernetes', resolvers: [kubernetesResolver], faults: [podKill] },
    { name: 'fake-probes', probes: [http, prometheus] },
  ]);
}
