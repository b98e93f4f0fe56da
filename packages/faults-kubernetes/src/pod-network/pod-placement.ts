import { ProviderError, type CallContext } from '@faultline/core';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeCaller } from '../client/kube-api.js';

/** Where a pod runs: its node and one running container (every container of a pod shares the sandbox's network namespace). */
export interface PodPlacement {
  readonly uid: string;
  readonly node: string;
  /** As the kubelet reports it (`containerd://...`, `docker://...`, `cri-o://...`). */
  readonly containerId: string;
}

/** Strips the runtime prefix: `containerd://abc` -> `abc`. */
export const bareContainerId = (id: string): string => id.replace(/^[a-z0-9-]+:\/\//, '');

/** Reads the pod; undefined when it is gone. */
export async function readPod(api: KubeCaller, namespace: string, name: string, ctx: CallContext): Promise<V1Pod | undefined> {
  return api.find({ verb: 'get', group: '', resource: 'pods', namespace, name }, ctx, (o) => api.core.readNamespacedPod({ namespace, name }, o));
}

/** The pod's node and a running container, or a ProviderError that says why the pod cannot take a network fault now. */
export function placementOf(pod: V1Pod, who: string): PodPlacement {
  const name = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const node = pod.spec?.nodeName;
  if (!node) throw new ProviderError(`${who}: pod ${name} is not scheduled on a node yet`, { retryable: true, hint: 'wait until the pod runs, or select running pods (fieldSelector status.phase=Running)' });
  const running = (pod.status?.containerStatuses ?? []).find((c) => c.containerID && c.state?.running);
  if (!running?.containerID) {
    throw new ProviderError(`${who}: pod ${name} has no running container (phase ${pod.status?.phase ?? 'unknown'})`, {
      retryable: true, hint: 'its network namespace exists only while a container runs; select running pods',
    });
  }
  return { uid: pod.metadata?.uid ?? '', node, containerId: running.containerID };
}
