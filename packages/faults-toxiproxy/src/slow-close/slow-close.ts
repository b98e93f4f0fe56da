import { DurationString, parseDuration } from '@faultline/core';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/** `toxiproxy.slow-close`: delays the TCP close by `delay`. */
export const slowCloseFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'toxiproxy.slow-close',
  toxicType: 'slow_close',
  summary: 'delays closing connections',
  params: { delay: DurationString('How long the close is delayed') },
  attributes: (p) => ({ delay: Math.round(parseDuration(p.delay)) }),
}, opts);
