import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Clock } from '@faultline/core';

type X509Crypto = Parameters<typeof x509.cryptoProvider.set>[0];
type X509KeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type X509Key = X509KeyPair['publicKey'];
x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

/** The client name the agent accepts by default (the controller's certificate CN). */
export const CONTROLLER_CN = 'faultline-controller';

export interface CertPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A CA plus the agent's server certificate and the controller's client certificate, all PEM. */
export interface AgentPki {
  readonly caPem: string;
  readonly agent: CertPair;
  readonly controller: CertPair;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString('hex');
}

async function keyPem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

/**
 * Issues the mutual-TLS material: one CA (kept in a Secret), a server certificate for the agents
 * (names: the DNS names / IPs controllers dial; one certificate serves every node of a DaemonSet)
 * and a client certificate for the controller. `validDays` default 365; rotate by re-issuing the Secret.
 */
export async function issueAgentPki(opts: { clock: Clock; serverNames: readonly string[]; validDays?: number; clientCn?: string }): Promise<AgentPki> {
  const now = opts.clock.nowMs();
  const window = { notBefore: new Date(now - DAY), notAfter: new Date(now + (opts.validDays ?? 365) * DAY) };
  const caKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(), name: 'CN=Faultline agent CA, O=Faultline', ...window, keys: caKeys as unknown as X509KeyPair, signingAlgorithm: algorithm,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const leaf = async (cn: string, usage: x509.ExtendedKeyUsage, names: x509.JsonGeneralName[]): Promise<CertPair> => {
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(), subject: `CN=${cn}, O=Faultline`, issuer: ca.subject, ...window,
      publicKey: keys.publicKey as unknown as X509Key, signingKey: caKeys.privateKey as unknown as X509Key, signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage]),
        ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      ],
    });
    return { certPem: cert.toString('pem'), keyPem: await keyPem(keys) };
  };
  const serverNames: x509.JsonGeneralName[] = opts.serverNames.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 'ip', value: n } : { type: 'dns', value: n }));
  return {
    caPem: ca.toString('pem'),
    agent: await leaf('faultline-agent', x509.ExtendedKeyUsage.serverAuth, serverNames),
    controller: await leaf(opts.clientCn ?? CONTROLLER_CN, x509.ExtendedKeyUsage.clientAuth, []),
  };
}
