import { UsageError } from '@faultline/core/errors';
// The permission table only (no Kubernetes client): this module is loaded at every CLI start-up.
import { permissionSubjects, type PermissionSubject } from '@faultline/faults-kubernetes/permissions';

/** The Kubernetes fault types the provider's permission table knows, e.g. `kubernetes.pod-kill`. */
export const kubernetesFaultTypes = permissionSubjects.filter((s) => s.startsWith('kubernetes.')) as readonly PermissionSubject[];

/** Parts every Kubernetes fault needs: target resolution, the recovery probe and the orphan sweeper. */
export const sharedSubjects: readonly PermissionSubject[] = permissionSubjects.filter((s) => !s.startsWith('kubernetes.'));

/** `kubernetes.pod-kill` -> `pod-kill`. */
export function shortFaultName(subject: PermissionSubject): string {
  return subject.replace(/^kubernetes\./, '');
}

/**
 * Turns `--faults` values (`pod-kill`, `kubernetes.pod-kill`, comma lists, or `all`) into the permission
 * subjects to grant: the selected fault types plus the shared parts. An empty selection grants nothing
 * (a controller that only drives Toxiproxy-compatible proxies). Throws UsageError on unknown names.
 */
export function resolveFaultSelection(faults: readonly string[]): PermissionSubject[] {
  const requested = faults.flatMap((f) => f.split(',')).map((f) => f.trim()).filter((f) => f !== '');
  if (requested.includes('all')) return [...sharedSubjects, ...kubernetesFaultTypes];
  const chosen = new Set<PermissionSubject>();
  const unknown: string[] = [];
  for (const name of requested) {
    const full = name.startsWith('kubernetes.') ? name : `kubernetes.${name}`;
    const subject = kubernetesFaultTypes.find((s) => s === full);
    if (subject) chosen.add(subject);
    else unknown.push(name);
  }
  if (unknown.length) {
    throw new UsageError(
      `unknown Kubernetes fault type ${unknown.map((u) => `"${u}"`).join(', ')} in --faults`,
      { hint: `use ${kubernetesFaultTypes.map(shortFaultName).join(', ')} or all (Toxiproxy and Docker faults need no Kubernetes RBAC)` },
    );
  }
  if (chosen.size === 0) return [];
  // Keep the table's order so the output is stable whatever order the user typed.
  return [...sharedSubjects, ...kubernetesFaultTypes.filter((s) => chosen.has(s))];
}
