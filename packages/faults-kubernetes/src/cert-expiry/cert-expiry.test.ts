import { createServer, connect, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { ProviderError } from '@faultline/core';
import { testFaultProviderContract } from '@faultline/testing';
import { contractCases } from '../test-support/contract-cases.js';
import { deployment, faultContext, startHarness, waitReady, type KubeHarness } from '../test-support/stand-in.js';
import { tlsSecret } from '../test-support/tls.js';
import { backupName } from './cert-expiry.js';
import { WRONG_HOST, type CertVariant } from './certificates.js';

const c = contractCases()['kubernetes.cert-expiry'];
if (c) testFaultProviderContract(c.type, c.options);

const HOST = 'shop.example.com';
const decode = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
const secretData = (h: KubeHarness, name = 'shop-tls') => h.kube.get('v1', 'Secret', 'shop', name)?.['data'] as Record<string, string>;

/** Serves the Secret's certificate over real TLS on 127.0.0.1 and connects as a client trusting `caPem`. */
async function handshake(data: Record<string, string>, caPem: string): Promise<string> {
  const server = createServer({ cert: decode(data['tls.crt']), key: decode(data['tls.key']) }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise<string>((resolve) => {
      const sock: TLSSocket = connect({ host: '127.0.0.1', port, servername: HOST, ca: caPem, timeout: 5_000 }, () => {
        sock.end();
        resolve('OK');
      });
      sock.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      sock.on('timeout', () => { sock.destroy(); resolve('TIMEOUT'); });
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe('kubernetes.cert-expiry', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());

  const cases: Array<[CertVariant, string]> = [
    ['expired', 'CERT_HAS_EXPIRED'],
    ['not-yet-valid', 'CERT_NOT_YET_VALID'],
    ['wrong-host', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['untrusted-ca', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ];
  for (const [variant, code] of cases) {
    it(`${variant}: a client trusting the Secret's ca.crt fails with ${code}, and revert restores the exact original`, async () => {
      h = await startHarness();
      h.kube.seed([await tlsSecret('shop', 'shop-tls', [HOST])]);
      const original = secretData(h);
      expect(await handshake(original, decode(original['ca.crt']))).toBe('OK');
      const [t] = await h.resolve({ kind: 'Secret', namespace: 'shop', name: 'shop-tls' });
      const ctx = faultContext();
      const undo = await h.fault('kubernetes.cert-expiry').inject(t!, { variant }, ctx);
      const faulty = secretData(h);
      expect(await handshake(faulty, decode(faulty['ca.crt']))).toBe(code);
      const cert = new x509.X509Certificate(decode(faulty['tls.crt']));
      const sans = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.items.map((i) => i.value);
      if (variant === 'expired') expect(cert.notAfter.getTime()).toBeLessThan(Date.now());
      if (variant === 'not-yet-valid') expect(cert.notBefore.getTime()).toBeGreaterThan(Date.now());
      expect(sans).toEqual(variant === 'wrong-host' ? [WRONG_HOST] : [HOST]);
      if (variant === 'untrusted-ca') expect(faulty['ca.crt']).toBe(original['ca.crt']);
      expect(undo).toMatchObject({ variant, backup: backupName(ctx.runId, ctx.faultName, 'shop-tls') });
      const backup = h.kube.get('v1', 'Secret', 'shop', backupName(ctx.runId, ctx.faultName, 'shop-tls'));
      expect(backup?.metadata.labels?.['faultline.dev/run']).toBe(ctx.runId);
      expect(backup?.['data']).toEqual(original);
      await h.freshFault('kubernetes.cert-expiry').revert(t!, undefined, { ...faultContext(), runId: ctx.runId, faultName: ctx.faultName });
      expect(secretData(h)).toEqual(original);
      expect(h.kube.get('v1', 'Secret', 'shop', 'shop-tls')?.metadata.annotations?.['faultline.dev/cert-expiry']).toBeUndefined();
      expect(h.kube.list('v1', 'Secret', 'shop').map((s) => s.metadata.name)).toEqual(['shop-tls']);
      expect(await handshake(secretData(h), decode(original['ca.crt']))).toBe('OK');
    });
  }

  it('refuses non-TLS Secrets', async () => {
    h = await startHarness();
    h.kube.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data: { pass: 'eA==' } }]);
    const [t] = await h.resolve({ kind: 'Secret', namespace: 'shop', name: 'db' });
    await expect(h.fault('kubernetes.cert-expiry').inject(t!, {}, faultContext())).rejects.toThrow(/not kubernetes.io\/tls/);
  });

  it('leaves a certificate someone replaced during the fault, keeping the backup', async () => {
    h = await startHarness();
    h.kube.seed([await tlsSecret('shop', 'shop-tls', [HOST])]);
    const [t] = await h.resolve({ kind: 'Secret', namespace: 'shop', name: 'shop-tls' });
    const ctx = faultContext();
    await h.fault('kubernetes.cert-expiry').inject(t!, {}, ctx);
    const renewed = (await tlsSecret('shop', 'x', [HOST]))['data'] as Record<string, string>;
    h.kube.modify('v1', 'Secret', 'shop', 'shop-tls', (s) => { s['data'] = renewed; });
    const err = await h.fault('kubernetes.cert-expiry').revert(t!, undefined, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/changed by someone else/);
    expect(secretData(h)).toEqual(renewed);
    expect(h.kube.get('v1', 'Secret', 'shop', backupName(ctx.runId, ctx.faultName, 'shop-tls'))).toBeDefined();
  });

  it('restarts workloads mounting the Secret when asked', async () => {
    h = await startHarness();
    h.kube.seed([await tlsSecret('shop', 'shop-tls', [HOST]), deployment('shop', 'front', { replicas: 1, volumes: [{ name: 'tls', secret: { secretName: 'shop-tls' } }] })]);
    await waitReady(h.kube, 'shop', 'front', 1);
    const [t] = await h.resolve({ kind: 'Secret', namespace: 'shop', name: 'shop-tls' });
    const ctx = faultContext();
    await h.fault('kubernetes.cert-expiry').inject(t!, { rolloutRestart: true }, ctx);
    const stamp = () => (h.kube.get('apps/v1', 'Deployment', 'shop', 'front')?.['spec'] as any).template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    const first = stamp();
    expect(first).toBeDefined();
    await h.fault('kubernetes.cert-expiry').revert(t!, undefined, ctx);
    const restarts = h.kube.requests.filter((r) => r.verb === 'patch' && r.resource === 'deployments' && r.name === 'front');
    expect(restarts.map((r) => r.status)).toEqual([200, 200]);
  });
});
