import { Type } from '@sinclair/typebox';
import { toxicFault } from '../toxic-fault.js';
import type { ToxiproxyOptions } from '../target.js';

/**
 * `proxy.cert-expiry` (embedded faultline proxy only): new connections are TLS-terminated with a bad
 * certificate, so clients see the real TLS failure in the data path.
 */
export const certExpiryFault = (opts: ToxiproxyOptions) => toxicFault({
  type: 'proxy.cert-expiry',
  toxicType: 'cert_expiry',
  summary: 'serves an expired / not-yet-valid / wrong-host / untrusted certificate to clients (embedded proxy only)',
  params: {
    variant: Type.Optional(Type.Union([
      Type.Literal('expired'), Type.Literal('not-yet-valid'), Type.Literal('wrong-host'), Type.Literal('untrusted-ca'),
    ], { description: 'Which certificate failure clients see (default expired)' })),
    hostname: Type.Optional(Type.String({ description: 'Host name the certificate is for (default localhost)' })),
  },
  attributes: (p) => ({ variant: p.variant ?? 'expired', hostname: p.hostname ?? 'localhost' }),
}, opts);
