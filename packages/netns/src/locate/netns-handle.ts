import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { ProviderError } from '@faultline/core';

/**
 * A network namespace, keyed by its inode (stable for the namespace's life, shared by every container
 * of a pod sandbox), plus one process currently inside it through which we enter it. The pid may
 * change (the target container restarts inside the same sandbox); the inode is what the journal keeps.
 */
export interface NetnsHandle {
  readonly inode: number;
  readonly pid: number;
}

/** Where /proc is; tests and the agent in a container with the host's /proc mounted elsewhere override it. */
export interface ProcFs {
  readonly root: string;
}

export const hostProc: ProcFs = { root: '/proc' };

/** The inode of `pid`'s network namespace, or undefined when the process is gone or not visible. */
export function netnsInodeOf(pid: number, proc: ProcFs = hostProc): number | undefined {
  try {
    const link = readlinkSync(`${proc.root}/${pid}/ns/net`);
    const m = /^net:\[(\d+)\]$/.exec(link);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function pids(proc: ProcFs): number[] {
  return readdirSync(proc.root).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

/**
 * Every network namespace that has a process in it, with its lowest pid. The host's own namespace is
 * included; callers that sweep skip it (see `hostNetnsInode`).
 */
export function listNetns(proc: ProcFs = hostProc): NetnsHandle[] {
  const byInode = new Map<number, number>();
  for (const pid of pids(proc)) {
    const inode = netnsInodeOf(pid, proc);
    if (inode !== undefined && !byInode.has(inode)) byInode.set(inode, pid);
  }
  return [...byInode].map(([inode, pid]) => ({ inode, pid }));
}

/** The namespace of pid 1 (the host's, when we run in the host PID namespace). */
export function hostNetnsInode(proc: ProcFs = hostProc): number | undefined {
  return netnsInodeOf(1, proc);
}

/** A live process inside the namespace `inode`, or undefined when the namespace has no process left (it is gone). */
export function findNetnsByInode(inode: number, proc: ProcFs = hostProc): NetnsHandle | undefined {
  for (const pid of pids(proc)) {
    if (netnsInodeOf(pid, proc) === inode) return { inode, pid };
  }
  return undefined;
}

/** Still the same namespace? Re-resolves through another process when `h.pid` has exited. */
export function refreshHandle(h: NetnsHandle, proc: ProcFs = hostProc): NetnsHandle | undefined {
  return netnsInodeOf(h.pid, proc) === h.inode ? h : findNetnsByInode(h.inode, proc);
}

const CONTAINER_ID_RE = /^[0-9a-f]{12,64}$/;

/**
 * Finds a container's network namespace from its id without asking any runtime: the first process
 * whose /proc/PID/cgroup names the id (Docker `/docker/<id>`, containerd `cri-containerd-<id>.scope`,
 * CRI-O `crio-<id>.scope`, cgroup v1 and v2 alike). Accepts `docker://<id>`, `containerd://<id>` and
 * `cri-o://<id>` as Kubernetes writes them in containerStatuses. Undefined when no process has it
 * (container exited or not on this node).
 */
export function findContainerNetns(containerId: string, proc: ProcFs = hostProc): NetnsHandle | undefined {
  const id = containerId.replace(/^[a-z-]+:\/\//, '');
  if (!CONTAINER_ID_RE.test(id)) {
    throw new ProviderError(`"${containerId}" is not a container id (12 to 64 hex digits, optionally with a runtime:// prefix)`, {
      hint: 'pass the id from `docker inspect` or from the pod\'s status.containerStatuses[].containerID',
    });
  }
  for (const pid of pids(proc)) {
    let cgroup: string;
    try {
      cgroup = readFileSync(`${proc.root}/${pid}/cgroup`, 'utf8');
    } catch {
      continue;
    }
    if (!cgroupNamesContainer(cgroup, id)) continue;
    const inode = netnsInodeOf(pid, proc);
    if (inode !== undefined) return { inode, pid };
  }
  return undefined;
}

/** True when a /proc/PID/cgroup text puts the process in the container `id` (full or 12+ char prefix). */
export function cgroupNamesContainer(cgroupText: string, id: string): boolean {
  for (const line of cgroupText.split('\n')) {
    const path = line.split(':').slice(2).join(':');
    for (const part of path.split('/')) {
      // docker: <id>; containerd: cri-containerd-<id>.scope; CRI-O: crio-<id>.scope; podman: libpod-<id>.scope
      const m = /^(?:[a-z-]+-)?([0-9a-f]{64})(?:\.scope)?$/.exec(part);
      if (m && (m[1] as string).startsWith(id)) return true;
    }
  }
  return false;
}
