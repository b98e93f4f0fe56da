import { isHostAllowed, normalizeHost, ProbeError, type AllowHosts } from '@faultline/core';

/** Where probes may connect: the shared allow-list of @faultline/core (undefined allows every host). */
export type { AllowHosts } from '@faultline/core';
export { isHostAllowed };

/** Throws ProbeError naming the host and the setting when `host` is not allowed. */
export function assertHostAllowed(host: string, allow: AllowHosts, probe: string): void {
  if (isHostAllowed(host, allow)) return;
  const list = allow && allow.length ? allow.join(', ') : 'none';
  throw new ProbeError(
    `${probe} probe may not connect to host "${normalizeHost(host)}": it is not in the probes allowHosts setting (allowed: ${list})`,
    { hint: `Add "${normalizeHost(host)}" (or a *.domain wildcard) to allowHosts in the controller/CLI probe settings, or probe an allowed host.` },
  );
}
