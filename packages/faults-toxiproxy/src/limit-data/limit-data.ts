import { SizeString, parseSize } from '@faultline/core';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/** `toxiproxy.limit-data`: closes connections after `bytes` have passed. */
export const limitDataFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'toxiproxy.limit-data',
  toxicType: 'limit_data',
  summary: 'closes connections after a number of bytes',
  params: { bytes: SizeString('Close after this much data, e.g. 64KB') },
  attributes: (p) => ({ bytes: parseSize(p.bytes) }),
}, opts);
