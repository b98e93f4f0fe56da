// Pod network fault fixtures for the paths that never reach an agent (no agent on the node), shared by
// pod-network.test.ts and the permissions drift test.
import { faultContext } from '@faultline/testing';
import { POD_NETWORK_TYPES } from '../pod-network/pod-network-faults.js';
import { startHarness, type KubeObject, type RecordedRequest } from './stand-in.js';

export const unusedTls = { caPem: 'unused: no agent is reached in these tests', certPem: 'unused', keyPem: 'unused' };

export function runningPod(name: string, node: string | undefined, containerID: string | undefined): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels: { app: 'web' } },
    spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: 'web', image: 'x' }] },
    status: {
      phase: 'Running', podIP: '10.1.0.9',
      containerStatuses: [{ name: 'web', image: 'x', imageID: '', ready: true, restartCount: 0, ...(containerID ? { containerID, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } } : { state: { waiting: { reason: 'ContainerCreating' } } }) }],
    },
  };
}

/** Requests of every harness here, for the permissions drift test. */
export async function recordPodNetworkRequests(sink: RecordedRequest[]): Promise<void> {
  const h = await startHarness({ agents: { tls: unusedTls } });
  try {
    h.kube.seed([runningPod('web-0', 'node-without-agent', 'containerd://' + 'a'.repeat(64))]);
    const [t] = await h.resolve({ kind: 'Pod', namespace: 'shop', name: 'web-0' });
    for (const type of POD_NETWORK_TYPES) {
      const params = type === 'kubernetes.pod-latency' ? { latency: '10ms' } : type === 'kubernetes.pod-packet-loss' ? { probability: 0.1 } : type === 'kubernetes.pod-bandwidth' ? { rate: '1MiB/s' } : {};
      await h.fault(type).inject(t!, params, faultContext()).catch(() => undefined);
      await h.fault(type).revert(t!, undefined, faultContext()).catch(() => undefined);
    }
  } finally {
    sink.push(...h.kube.requests);
    await h.close();
  }
}

