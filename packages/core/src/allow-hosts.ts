/**
 * Where outside calls may go (the controller's `--allow-host` list). Undefined allows every host.
 * Entries are host names or IP addresses matched exactly (case-insensitive), `*.example.com` for any
 * subdomain, or `*` for everything. Probes, http.call, notify webhooks and Grafana annotations share it.
 */
export type AllowHosts = readonly string[] | undefined;

/** Lower-case, without IPv6 brackets or a trailing dot. */
export function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h.replace(/\.$/, '');
}

/** True when `host` may be called under `allow`. */
export function isHostAllowed(host: string, allow: AllowHosts): boolean {
  if (allow === undefined) return true;
  const h = normalizeHost(host);
  return allow.some((entry) => {
    const e = normalizeHost(entry);
    if (e === '*') return true;
    if (e.startsWith('*.')) return h.endsWith(e.slice(1)) && h.length > e.length - 1;
    return h === e;
  });
}
