import { RateString, parseRate } from '@faultline/core';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/** `toxiproxy.bandwidth`: limits throughput (Toxiproxy's unit is KB/s). */
export const bandwidthFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'toxiproxy.bandwidth',
  toxicType: 'bandwidth',
  summary: 'limits bandwidth through a proxy',
  params: { rate: RateString('Maximum rate, e.g. 100KB/s') },
  attributes: (p) => ({ rate: Math.max(1, Math.round(parseRate(p.rate) / 1000)) }),
  check: (p) => (parseRate(p.rate) < 1000 ? [{ path: 'rate', message: 'Toxiproxy limits in whole KB/s; use at least 1KB/s' }] : []),
}, opts);
