import type { ProviderPlugin } from '@faultline/core';
import { httpCallFault } from './http-call/http-call.js';
import { httpResolver } from './target/http-target.js';

export interface HttpPluginOptions {
  /** Hosts requests may go to (the controller's allow-list, shared with probes and Toxiproxy). Undefined allows every host. */
  readonly allowHosts?: readonly string[];
}

/** The `http` target kind and the `http.call` fault. */
export function httpPlugin(opts: HttpPluginOptions = {}): ProviderPlugin {
  const shared = opts.allowHosts ? { allowHosts: [...opts.allowHosts] } : {};
  return { name: 'http', resolvers: [httpResolver(shared)], faults: [httpCallFault(shared)] };
}
