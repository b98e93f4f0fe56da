import { ProbeError } from '@faultline/core';

/**
 * Where probes may connect. Undefined allows every host. Entries are host names or IP addresses
 * matched exactly (case-insensitive), `*.example.com` for any subdomain, or `*` for everything.
 */
export type AllowHosts = readonly string[] | undefined;

function normalize(host: string): string {
  const h = host.trim().toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h.replace(/\.$/, '');
}

/** True when `host` may be probed under `allow`. */
export function isHostAllowed(host: string, allow: AllowHosts): boolean {
  if (allow === undefined) return true;
  const h = normalize(host);
  return allow.some((entry) => {
    const e = normalize(entry);
    if (e === '*') return true;
    if (e.startsWith('*.')) return h.endsWith(e.slice(1)) && h.length > e.length - 1;
    return h === e;
  });
}

/** Throws ProbeError naming the host and the setting when `host` is not allowed. */
export function assertHostAllowed(host: string, allow: AllowHosts, probe: string): void {
  if (isHostAllowed(host, allow)) return;
  const list = allow && allow.length ? allow.join(', ') : 'none';
  throw new ProbeError(
    `${probe} probe may not connect to host "${normalize(host)}": it is not in the probes allowHosts setting (allowed: ${list})`,
    { hint: `Add "${normalize(host)}" (or a *.domain wildcard) to allowHosts in the controller/CLI probe settings, or probe an allowed host.` },
  );
}
