import { ProviderError, type CallContext, type Target } from '@faultline/core';
import { isNotFound, type DockerApi } from './api.js';
import { containerIdOf, type ContainerInfo } from './target-ref.js';
import type { TargetSafety } from './safety.js';
import type { UndoRecords } from './undo-record.js';
import type { NetnsIptables } from './netns-iptables.js';
import type { NetnsFaults, NodeCapabilities } from '@faultline/netns';

/** What every docker fault is built from; one set per plugin instance. */
export interface DockerFaultDeps {
  readonly api: DockerApi;
  readonly safety: TargetSafety;
  readonly records: UndoRecords;
  readonly iptables: NetnsIptables;
  /** partition / bandwidth / latency inside the container's network namespace. */
  readonly netns: NetnsFaults;
  /** What this host's kernel offers (netem or not); probed once, on first need. */
  capabilities(): Promise<NodeCapabilities>;
}

/** The container's current state, or undefined when it no longer exists. */
export async function inspectContainer(api: DockerApi, containerId: string, ctx: CallContext): Promise<ContainerInfo | undefined> {
  try {
    return await api.call(`inspect container ${containerId.slice(0, 12)}`, ctx, (abortSignal) =>
      api.docker.getContainer(containerId).inspect({ abortSignal }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Inspects the target for an inject: it must exist and pass the safety rules (never Faultline's own
 * container; the opt-in label when configured). Throws ProviderError / BlastRadiusError otherwise.
 */
export async function containerForInject(deps: DockerFaultDeps, target: Target, ctx: CallContext): Promise<ContainerInfo> {
  const id = containerIdOf(target);
  const info = await inspectContainer(deps.api, id, ctx);
  if (!info) {
    throw new ProviderError(`container ${target.name} (${id.slice(0, 12)}) no longer exists on ${deps.api.endpoint}`, {
      hint: 'it went away after planning; re-run so targets are resolved again',
    });
  }
  deps.safety.assertAllowed(target, { id: info.Id, labels: info.Config.Labels ?? {} });
  return info;
}

/** ProviderError for "this fault needs a running container". */
export function notRunning(fault: string, target: Target, info: ContainerInfo): ProviderError {
  return new ProviderError(`${fault}: container ${target.name} is ${info.State.Status}, not running`, {
    hint: 'docker targets resolve running containers only; it stopped after planning. Start it or re-plan.',
  });
}
