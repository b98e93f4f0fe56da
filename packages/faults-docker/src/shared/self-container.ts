import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

const FULL_ID = /[0-9a-f]{64}/g;

/**
 * Ids (full, or the 12-char hostname prefix) of the container this process runs in, if any.
 * cgroup v1 paths name it (`/docker/<id>`, `docker-<id>.scope`); under cgroup v2 the cgroup is often
 * just `/`, but mountinfo still shows `/var/lib/docker/containers/<id>/hostname`. Docker's default
 * hostname is the first 12 chars of the id, which covers the rest.
 */
export function detectSelfContainerIds(read: (path: string) => string | undefined = readOrUndefined, host: string = hostname()): string[] {
  const ids = new Set<string>();
  for (const path of ['/proc/self/cgroup', '/proc/self/mountinfo']) {
    for (const m of (read(path) ?? '').matchAll(FULL_ID)) ids.add(m[0]);
  }
  if (/^[0-9a-f]{12}$/.test(host)) ids.add(host);
  return [...ids];
}

/** True when `containerId` is one of `selfIds` (full id, or a 12-char prefix from the hostname). */
export function isSelf(containerId: string, selfIds: readonly string[]): boolean {
  return selfIds.some((s) => containerId === s || (s.length === 12 && containerId.startsWith(s)));
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Not Linux, or /proc hidden: then we are not in a container we could detect this way.
    return undefined;
  }
}
