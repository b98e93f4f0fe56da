import { describe, expect, it } from 'vitest';
import { ProviderError, UsageError } from '@faultline/core';
import { faultContext } from '@faultline/testing';
import { startHarness } from '../test-support/stand-in.js';
import { agentOptionsFromEnv, parseAgentEndpoints, resolveAgentOptions } from './agent-options.js';
import { bareContainerId, placementOf } from './pod-placement.js';
import { runningPod, unusedTls } from '../test-support/pod-network-cases.js';

describe('kubernetes.pod-* network faults without an agent (paths that never reach one)', () => {
  it('finds no agent on the pod\'s node: a ProviderError that names the node and how to fix it, after reading the pod and listing agent pods', async () => {
    const h = await startHarness({ agents: { tls: unusedTls } });
    try {
      h.kube.seed([runningPod('web-0', 'node-a', 'containerd://' + 'b'.repeat(64))]);
      const [t] = await h.resolve({ kind: 'Pod', namespace: 'shop', name: 'web-0' });
      const err = await h.fault('kubernetes.pod-partition').inject(t!, {}, faultContext()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).message).toContain('no running faultline-agent on node node-a');
      expect((err as ProviderError).hint).toContain('FAULTLINE_AGENT_ENDPOINTS=node-a=');
      const reqs = h.kube.requests.filter((r) => r.userAgent.includes('kubernetes.pod-partition')).map((r) => `${r.verb} ${r.resource} ${r.namespace ?? ''}`);
      expect(reqs).toEqual(['get pods shop', 'list pods faultline']); // the pod, then agent pods in the agent namespace
    } finally {
      await h.close();
    }
  });

  it('refuses a pod that is not scheduled or has no running container, before any agent call', () => {
    expect(() => placementOf(runningPod('p', undefined, 'docker://' + 'c'.repeat(64)) as never, 't')).toThrow(/not scheduled on a node/);
    expect(() => placementOf(runningPod('p', 'n', undefined) as never, 't')).toThrow(/no running container/);
    expect(placementOf(runningPod('p', 'n', 'containerd://abc') as never, 't')).toMatchObject({ node: 'n', containerId: 'containerd://abc' });
    expect(bareContainerId('containerd://abc')).toBe('abc');
    expect(bareContainerId('cri-o://abc')).toBe('abc');
  });

  it('without client certificates inject fails with a UsageError that says which files to provide', async () => {
    const h = await startHarness();
    try {
      h.kube.seed([runningPod('web-0', 'node-a', 'containerd://' + 'd'.repeat(64))]);
      const [t] = await h.resolve({ kind: 'Pod', namespace: 'shop', name: 'web-0' });
      const err = await h.fault('kubernetes.pod-latency').inject(t!, { latency: '10ms' }, faultContext()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).hint).toContain('FAULTLINE_AGENT_TLS_DIR');
      expect(h.kube.requests.filter((r) => r.userAgent.includes('pod-latency'))).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('parses agent options from the environment and refuses malformed ones', () => {
    expect(parseAgentEndpoints('node-a=10.0.0.5:9443, node-b=127.0.0.1:1')).toEqual({ 'node-a': '10.0.0.5:9443', 'node-b': '127.0.0.1:1' });
    expect(() => parseAgentEndpoints('node-a=10.0.0.5')).toThrow(UsageError);
    expect(agentOptionsFromEnv({ FAULTLINE_AGENT_TLS_DIR: '/t', FAULTLINE_AGENT_PORT: '1234', FAULTLINE_AGENT_LEASE_MS: '5000' })).toEqual({ tlsDir: '/t', port: 1234, leaseMs: 5000 });
    expect(() => resolveAgentOptions({ leaseMs: 500 })).toThrow(/outside 1s..10min/);
    expect(resolveAgentOptions({})).toMatchObject({ namespace: 'faultline', labelSelector: 'app.kubernetes.io/name=faultline-agent', port: 9443, serverName: 'faultline-agent', leaseMs: 30_000 });
  });
});
