import { randomBytes, webcrypto } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type * as X509 from '@peculiar/x509';
import { systemClock } from '@faultline/core/clock';

/** The certificate faults cert_expiry can serve. */
export const certVariants = ['expired', 'not-yet-valid', 'wrong-host', 'untrusted-ca'] as const;
export type CertVariant = (typeof certVariants)[number];

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Leaves are regenerated after this, so the "valid" parts of their windows stay valid. */
const LEAF_MAX_AGE_MS = HOUR;
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

type KeyPair = webcrypto.CryptoKeyPair;
// @peculiar/x509 is typed against the DOM's WebCrypto types; node's are the same objects.
type X509Crypto = Parameters<typeof X509.cryptoProvider.set>[0];
type X509KeyPair = Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type X509Key = X509KeyPair['publicKey'];

interface Authority {
  readonly cert: X509.X509Certificate;
  readonly keys: KeyPair;
  readonly pem: string;
}

/** A served certificate: what a TLS server needs, plus the PEMs for tests and debugging. */
export interface ServedCertificate {
  readonly variant: CertVariant;
  readonly hostname: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly secureContext: SecureContext;
  readonly createdAt: number;
}

let x509Module: Promise<typeof X509> | undefined;
/**
 * @peculiar/x509 (and its ASN.1 stack) loads on the first certificate, not with the proxy: an idle
 * proxy or one without cert_expiry never needs it (resident memory of `faultline proxy`).
 */
function loadX509(): Promise<typeof X509> {
  return (x509Module ??= import('@peculiar/x509').then((m) => {
    m.cryptoProvider.set(webcrypto as unknown as X509Crypto);
    return m;
  }));
}

let goodCa: Promise<Authority> | undefined;
let rogueCa: Promise<Authority> | undefined;
const leaves = new Map<string, Promise<ServedCertificate>>();

/**
 * PEM of the throwaway CA that signs the expired, not-yet-valid and wrong-host certificates.
 * A client that trusts it still fails on those variants — which is the point of the fault.
 * The CA lives as long as the process.
 */
export async function getCertificateAuthorityPem(): Promise<string> {
  return (await authority('good')).pem;
}

/** The certificate and TLS context for a variant and host name; generated once, then cached. */
export function getServedCertificate(variant: CertVariant, hostname: string): Promise<ServedCertificate> {
  const key = `${variant}/${hostname}`;
  const cached = leaves.get(key);
  if (cached) return cached.then((leaf) => (systemClock.nowMs() - leaf.createdAt < LEAF_MAX_AGE_MS ? leaf : regenerate()));
  return regenerate();

  function regenerate(): Promise<ServedCertificate> {
    const created = issueLeaf(variant, hostname);
    leaves.set(key, created);
    created.catch(() => leaves.delete(key));
    return created;
  }
}

function authority(which: 'good' | 'rogue'): Promise<Authority> {
  if (which === 'good') return (goodCa ??= createAuthority('Faultline proxy test CA'));
  return (rogueCa ??= createAuthority('Faultline untrusted CA'));
}

async function createAuthority(commonName: string): Promise<Authority> {
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as KeyPair;
  const now = systemClock.nowMs();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}, O=Faultline`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    keys: keys as unknown as X509KeyPair,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as X509Key),
    ],
  });
  return { cert, keys, pem: cert.toString('pem') };
}

async function issueLeaf(variant: CertVariant, hostname: string): Promise<ServedCertificate> {
  const x509 = await loadX509();
  const ca = await authority(variant === 'untrusted-ca' ? 'rogue' : 'good');
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as KeyPair;
  const now = systemClock.nowMs();
  const window =
    variant === 'expired'
      ? { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) }
      : variant === 'not-yet-valid'
        ? { notBefore: new Date(now + DAY), notAfter: new Date(now + 30 * DAY) }
        : { notBefore: new Date(now - HOUR), notAfter: new Date(now + 30 * DAY) };
  // Only the fault we mean may fail: every variant but wrong-host also names the loopback IPs.
  const names: X509.JsonGeneralName[] =
    variant === 'wrong-host'
      ? [{ type: 'dns', value: `not-${hostname}.invalid` }]
      : [{ type: 'dns', value: hostname }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${variant === 'wrong-host' ? `not-${hostname}.invalid` : hostname}, O=Faultline cert_expiry ${variant}`,
    issuer: ca.cert.subject,
    ...window,
    publicKey: keys.publicKey as unknown as X509Key,
    signingKey: ca.keys.privateKey as unknown as X509Key,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  const certPem = cert.toString('pem');
  // The chain is not sent: an untrusted-ca client must see an unknown issuer, not a self-signed chain.
  return {
    variant,
    hostname,
    certPem,
    keyPem,
    secureContext: createSecureContext({ cert: certPem, key: keyPem }),
    createdAt: now,
  };
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return bytes.toString('hex');
}
