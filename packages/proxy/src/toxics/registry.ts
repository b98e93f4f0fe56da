import { bandwidthToxic } from './bandwidth/bandwidth.js';
import { certExpiryToxic } from './cert-expiry/cert-expiry.js';
import type { ToxicDefinition } from './definition.js';
import { latencyToxic } from './latency/latency.js';
import { limitDataToxic } from './limit-data/limit-data.js';
import { packetLossToxic } from './packet-loss/packet-loss.js';
import { resetPeerToxic } from './reset-peer/reset-peer.js';
import { slicerToxic } from './slicer/slicer.js';
import { slowCloseToxic } from './slow-close/slow-close.js';
import { timeoutToxic } from './timeout/timeout.js';

/** Every toxic type the proxy knows, by API name. The last three are Faultline extensions. */
export const toxicDefinitions: ReadonlyMap<string, ToxicDefinition> = new Map(
  [
    latencyToxic,
    bandwidthToxic,
    slowCloseToxic,
    timeoutToxic,
    resetPeerToxic,
    slicerToxic,
    limitDataToxic,
    packetLossToxic,
    certExpiryToxic,
  ].map((def) => [def.type, def]),
);

export const toxicTypes: readonly string[] = [...toxicDefinitions.keys()];
