import type Dockerode from 'dockerode';
import { ProviderError, type Target } from '@faultline/core';

/** What a docker Target's `ref` holds: enough to act on the container from a fresh process. */
export interface DockerTargetRef {
  readonly containerId: string;
  readonly name: string;
  /** The engine it was resolved on, for people reading the journal. */
  readonly endpoint: string;
}

export const TARGET_KIND = 'docker';

/** `docker:container/<full id>`: the id survives renames; the name is for people. */
export function targetFromContainer(
  c: { Id: string; Names?: string[]; Name?: string; Labels?: Record<string, string> | null },
  endpoint: string,
): Target {
  const name = containerName(c);
  return {
    id: `docker:container/${c.Id}`,
    kind: TARGET_KIND,
    name,
    labels: { ...(c.Labels ?? {}) },
    ref: { containerId: c.Id, name, endpoint },
  };
}

export function containerName(c: { Id: string; Names?: string[]; Name?: string }): string {
  const raw = c.Name ?? c.Names?.[0] ?? c.Id.slice(0, 12);
  return raw.startsWith('/') ? raw.slice(1) : raw;
}

/** Reads the container id back from a (possibly journaled and re-parsed) target. */
export function containerIdOf(target: Target): string {
  const ref = target.ref as Partial<DockerTargetRef> | null;
  if (ref && typeof ref === 'object' && typeof ref.containerId === 'string' && ref.containerId) return ref.containerId;
  const m = /^docker:container\/([0-9a-f]{12,64})$/.exec(target.id);
  if (m) return m[1] as string;
  throw new ProviderError(`target ${target.id} (${target.name}) is not a docker container target: its ref has no containerId`, {
    hint: 'docker faults need a target of kind docker; check spec.targets in the experiment file',
  });
}

export type ContainerInfo = Dockerode.ContainerInspectInfo;
