import { Type } from '@sinclair/typebox';
import { DurationString, parseDuration } from '@faultline/core';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/** `toxiproxy.latency`: delays data by `latency` ± `jitter`. */
export const latencyFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'toxiproxy.latency',
  toxicType: 'latency',
  summary: 'adds latency (± jitter) to data through a proxy',
  params: {
    latency: DurationString('Added delay, e.g. 300ms'),
    jitter: Type.Optional(DurationString('Random ± variation, e.g. 50ms')),
  },
  attributes: (p) => ({ latency: Math.round(parseDuration(p.latency)), jitter: Math.round(p.jitter ? parseDuration(p.jitter) : 0) }),
}, opts);
