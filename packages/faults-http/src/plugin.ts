import type { ProviderPlugin } from '@faultline/core';
import { httpCallFault } from './http-call/http-call.js';
import { httpResolver } from './target/http-target.js';
import { unleashFlagFlipFault } from './unleash-flag-flip/unleash-flag-flip.js';
import { unleashResolver } from './unleash-flag-flip/unleash-target.js';
import { unleashSweeper } from './unleash-flag-flip/unleash-sweeper.js';

export interface HttpPluginOptions {
  /** Hosts requests may go to (the controller's allow-list, shared with probes and Toxiproxy). Undefined allows every host. */
  readonly allowHosts?: readonly string[];
}

/** The `http` and `unleash` target kinds, the `http.call` and `unleash.flag-flip` faults, the sweep of Unleash marker flags. */
export function httpPlugin(opts: HttpPluginOptions = {}): ProviderPlugin {
  const shared = opts.allowHosts ? { allowHosts: [...opts.allowHosts] } : {};
  const flip = unleashFlagFlipFault(shared);
  return { name: 'http', resolvers: [httpResolver(shared), unleashResolver(shared)], faults: [httpCallFault(shared), flip], sweepers: [unleashSweeper(flip, shared)] };
}
