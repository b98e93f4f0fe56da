import type { ProviderPlugin } from '@faultline/core';
import { bandwidthFault } from './bandwidth/bandwidth.js';
import { certExpiryFault } from './cert-expiry/cert-expiry.js';
import { downFault } from './down/down.js';
import { latencyFault } from './latency/latency.js';
import { limitDataFault } from './limit-data/limit-data.js';
import { packetLossFault } from './packet-loss/packet-loss.js';
import { resetPeerFault } from './reset-peer/reset-peer.js';
import { slicerFault } from './slicer/slicer.js';
import { slowCloseFault } from './slow-close/slow-close.js';
import { toxiproxySweeper } from './sweeper.js';
import { toxiproxyResolver, type ToxiproxyOptions } from './target.js';
import { timeoutFault } from './timeout/timeout.js';

/** Toxiproxy target kind, every toxic fault, `toxiproxy.down`, `proxy.cert-expiry` and the orphan sweeper. */
export function toxiproxyPlugin(opts: ToxiproxyOptions = {}): ProviderPlugin {
  return {
    name: 'toxiproxy',
    resolvers: [toxiproxyResolver(opts)],
    faults: [
      latencyFault(opts), bandwidthFault(opts), timeoutFault(opts), resetPeerFault(opts), slowCloseFault(opts),
      slicerFault(opts), limitDataFault(opts), downFault(opts), packetLossFault(opts), certExpiryFault(opts),
    ],
    sweepers: [toxiproxySweeper(opts)],
  };
}

export { ToxiproxyApi } from './api-client.js';
export type { ToxicJson, ProxyJson } from './api-client.js';
export { toxiproxyResolver, DEFAULT_API, ToxiproxySelector } from './target.js';
export type { ToxiproxyOptions, ToxiproxyRef } from './target.js';
export { toxicNames } from './toxic-fault.js';
export { toxiproxySweeper } from './sweeper.js';
