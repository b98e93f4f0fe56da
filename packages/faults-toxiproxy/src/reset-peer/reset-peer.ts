import { Type } from '@sinclair/typebox';
import { DurationString, parseDuration } from '@faultline/core';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/** `toxiproxy.reset-peer`: resets connections (TCP RST) after `timeout`. */
export const resetPeerFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'toxiproxy.reset-peer',
  toxicType: 'reset_peer',
  summary: 'resets connections (TCP RST) after a timeout',
  params: { timeout: Type.Optional(DurationString('Reset after this long (default 0s: at once)')) },
  attributes: (p) => ({ timeout: Math.round(p.timeout ? parseDuration(p.timeout) : 0) }),
}, opts);
