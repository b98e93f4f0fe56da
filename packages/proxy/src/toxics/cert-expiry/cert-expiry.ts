import { certVariants, getServedCertificate, type CertVariant } from '../../tls/certificates.js';
import { enumAttribute, hostnameAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';

export interface CertExpiryAttributes {
  [key: string]: string;
  variant: CertVariant;
  /** The name the certificate is issued for (wrong-host: a different one). */
  hostname: string;
}

/**
 * Extension: while present, new connections are TLS-terminated by the proxy with a certificate
 * of the chosen fault. Open connections are not touched. Not a pipeline stage: it decides how a
 * connection is accepted, so `stream` has no effect.
 */
export const certExpiryToxic = defineToxic<CertExpiryAttributes>({
  type: 'cert_expiry',
  kind: 'connection',
  defaults: { variant: 'expired', hostname: 'localhost' },
  parse: (raw, base) => ({
    variant: enumAttribute(raw, 'variant', base.variant, certVariants),
    hostname: hostnameAttribute(raw, 'hostname', base.hostname),
  }),
  prepare: async (attrs) => {
    await getServedCertificate(attrs.variant, attrs.hostname);
  },
});
