import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { systemClock } from '@faultline/core';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const certVariants = ['expired', 'not-yet-valid', 'wrong-host', 'untrusted-ca'] as const;
export type CertVariant = (typeof certVariants)[number];

/** Host a wrong-host certificate is issued for; `.invalid` can never resolve (RFC 2606). */
export const WRONG_HOST = 'wrong-host.faultline.invalid';

const DAY = 86_400_000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Names a certificate is valid for. */
export interface CertNames {
  readonly commonName: string | undefined;
  readonly dns: string[];
  readonly ips: string[];
}

/** A generated faulty certificate with its key and the (throw-away) CA that signed it, all PEM. */
export interface FaultyCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly names: CertNames;
}

/** Reads the names of the first certificate in a PEM bundle. Throws when it is not a certificate. */
export function certNames(pem: string): CertNames {
  const cert = new x509.X509Certificate(firstPem(pem));
  const cn = cert.subjectName.getField('CN')[0];
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  return {
    commonName: cn,
    dns: items.filter((i) => i.type === 'dns').map((i) => i.value),
    ips: items.filter((i) => i.type === 'ip').map((i) => i.value),
  };
}

function firstPem(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no PEM certificate found');
  return m[0];
}

function dn(cn: string): string {
  // Commas and other DN specials in a CN would break the string form; certificates we copy have plain host names.
  return `CN=${cn.replace(/[,+="<>#;\\]/g, '_')}, O=Faultline chaos test`;
}

function validity(variant: CertVariant, now: number): { notBefore: Date; notAfter: Date } {
  switch (variant) {
    case 'expired':
      return { notBefore: new Date(now - 90 * DAY), notAfter: new Date(now - DAY) };
    case 'not-yet-valid':
      return { notBefore: new Date(now + 30 * DAY), notAfter: new Date(now + 120 * DAY) };
    default:
      return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 90 * DAY) };
  }
}

/**
 * Issues a certificate that fails verification in the way `variant` names, for the same names as the
 * original (wrong-host: for WRONG_HOST instead). It is signed by a fresh CA; callers that replace `ca.crt`
 * with `caPem` make clients that trust the Secret's CA see exactly the intended failure.
 */
export async function issueFaultyCertificate(opts: { original: CertNames; variant: CertVariant; label: string; now?: number }): Promise<FaultyCertificate> {
  const now = opts.now ?? systemClock.nowMs();
  const names: CertNames = opts.variant === 'wrong-host' ? { commonName: WRONG_HOST, dns: [WRONG_HOST], ips: [] } : opts.original;
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const caName = dn(`Faultline test CA ${opts.label}`);
  const ca = await x509.X509CertificateGenerator.create({
    serialNumber: serial(), subject: caName, issuer: caName,
    notBefore: new Date(now - 365 * DAY), notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: ALG, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const { notBefore, notAfter } = validity(opts.variant, now);
  const sans = [...names.dns.map((value) => ({ type: 'dns' as const, value })), ...names.ips.map((value) => ({ type: 'ip' as const, value }))];
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(), subject: dn(names.commonName ?? names.dns[0] ?? 'faultline'), issuer: ca.subject,
    notBefore, notAfter, signingAlgorithm: ALG, publicKey: leafKeys.publicKey, signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ...(sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    certPem: leaf.toString('pem') + '\n',
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
    caPem: ca.toString('pem') + '\n',
    notBefore, notAfter, names,
  };
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** Short digest of a Secret value (base64 as stored), to recognise "still what we set" without keeping it. */
export function digest(base64: string | undefined): string | null {
  return base64 === undefined ? null : createHash('sha256').update(base64).digest('hex').slice(0, 32);
}
