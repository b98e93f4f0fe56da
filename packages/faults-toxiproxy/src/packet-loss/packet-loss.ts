import { Type } from '@sinclair/typebox';
import { DurationString, parseDuration } from '@faultline/core';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/**
 * `toxiproxy.packet-loss` (embedded faultline proxy only): models what packet loss does to TCP —
 * each chunk is delayed by a retransmission timeout with probability `probability`.
 */
export const packetLossFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'toxiproxy.packet-loss',
  toxicType: 'packet_loss',
  summary: 'simulates TCP packet loss as retransmission delays (embedded proxy only)',
  params: {
    probability: Type.Number({ minimum: 0, maximum: 1, description: 'Loss probability per chunk, 0..1' }),
    rto: Type.Optional(DurationString('Retransmission timeout (default 200ms)')),
  },
  attributes: (p) => ({ probability: p.probability, rto: Math.round(p.rto ? parseDuration(p.rto) : 200) }),
}, opts);
