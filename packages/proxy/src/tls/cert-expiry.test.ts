import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getCertificateAuthorityPem, type CertVariant } from '../index.js';
import { proxyFixture, type ProxyFixture } from '../testing/fixture.js';
import { getServedCertificate } from './certificates.js';

function tlsError(port: number, ca: string, servername = 'localhost'): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve('OK');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('cert_expiry toxic (extension)', () => {
  let f: ProxyFixture;
  afterEach(() => f.close());

  const expected: [CertVariant, string][] = [
    ['expired', 'CERT_HAS_EXPIRED'],
    ['not-yet-valid', 'CERT_NOT_YET_VALID'],
    ['wrong-host', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['untrusted-ca', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ];

  it.each(expected)('variant %s fails a client that trusts the CA with %s', async (variant, code) => {
    f = await proxyFixture();
    const ca = await getCertificateAuthorityPem();
    await f.addToxic({ type: 'cert_expiry', attributes: { variant } });
    expect(await tlsError(f.port, ca)).toBe(code);
    const metrics = await (await fetch(`${f.server.url}/metrics`)).text();
    expect(metrics).toContain('toxiproxy_proxy_tls_terminated_total{proxy="p"} 0');
  });

  it('terminates TLS and originates TLS to a TLS upstream (upstream_tls) for a client that accepts the certificate', async () => {
    const good = await getServedCertificate('expired', 'upstream.test'); // any key pair will do for the upstream
    const upstreamServer = createTlsServer({ cert: good.certPem, key: good.keyPem }, (s) => s.pipe(s));
    upstreamServer.listen(0, '127.0.0.1');
    await once(upstreamServer, 'listening');
    const upstreamPort = (upstreamServer.address() as AddressInfo).port;
    try {
      f = await proxyFixture();
      await f.server.proxies.update('p', { upstream: `127.0.0.1:${upstreamPort}`, upstream_tls: true });
      const port = Number(f.server.proxies.get('p').listen.split(':')[1]);
      await f.server.proxies.addToxic('p', { type: 'cert_expiry', attributes: { variant: 'expired' } });
      const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
      await once(socket, 'secureConnect');
      expect(socket.getPeerCertificate().subject.O).toContain('cert_expiry expired');
      socket.write('through two TLS hops');
      const [data] = (await once(socket, 'data')) as [Buffer];
      expect(data.toString()).toBe('through two TLS hops');
      socket.destroy();
      // Removing the toxic puts new connections back to plain TCP (TLS passes through untouched).
      await f.server.proxies.removeToxic('p', 'cert_expiry_downstream');
      const direct = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
      await once(direct, 'secureConnect');
      expect(direct.getPeerCertificate().subject.CN).toBe('upstream.test');
      direct.destroy();
    } finally {
      await new Promise((r) => upstreamServer.close(r));
    }
  });
});
