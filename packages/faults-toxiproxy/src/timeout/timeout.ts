import { DurationString, parseDuration } from '@faultline/core';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/** `toxiproxy.timeout`: stops all data and closes after `timeout` (0 = hold the connection forever). */
export const timeoutFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'toxiproxy.timeout',
  toxicType: 'timeout',
  summary: 'drops data and closes connections after a timeout (0s = never closes)',
  params: { timeout: DurationString('Close after this long; 0s holds forever') },
  attributes: (p) => ({ timeout: Math.round(parseDuration(p.timeout)) }),
}, opts);
