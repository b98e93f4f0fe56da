// A valid CA and server certificate, as a kubernetes.io/tls Secret, for cert-expiry tests.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { KubeObject } from './stand-in.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface IssuedTls {
  certPem: string;
  keyPem: string;
  caPem: string;
}

export async function issueValidTls(hosts: string[]): Promise<IssuedTls> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.create({
    serialNumber: '01', subject: 'CN=Shop Test Root CA', issuer: 'CN=Shop Test Root CA',
    notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALG, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02', subject: `CN=${hosts[0]}`, issuer: ca.subject,
    notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 90 * DAY),
    signingAlgorithm: ALG, publicKey: keys.publicKey, signingKey: caKeys.privateKey,
    extensions: [
      new x509.SubjectAlternativeNameExtension(hosts.map((value) => ({ type: 'dns' as const, value }))),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: leaf.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), caPem: ca.toString('pem') };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export async function tlsSecret(namespace: string, name: string, hosts: string[], issued?: IssuedTls): Promise<KubeObject> {
  const t = issued ?? (await issueValidTls(hosts));
  return {
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(t.certPem), 'tls.key': b64(t.keyPem), 'ca.crt': b64(t.caPem) },
  };
}
