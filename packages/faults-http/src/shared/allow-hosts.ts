import { ProviderError } from '@faultline/core';
import { isHostAllowed } from '@faultline/probes';

/** Throws ProviderError when `url`'s host is not in the allow-list (undefined allows every host). */
export function assertUrlAllowed(url: URL, allowHosts: readonly string[] | undefined, what: string): void {
  if (isHostAllowed(url.hostname, allowHosts)) return;
  throw new ProviderError(`${what} may not call host "${url.hostname}": it is not in the allowHosts setting (allowed: ${allowHosts?.join(', ') || 'none'})`, {
    hint: `Ask an operator to add "${url.hostname}" to the controller's allowHosts setting (the same list probes and Toxiproxy use), or call an allowed host.`,
  });
}
