import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ProbeError } from '@faultline/core';
import { createHttpProbe } from './http-probe.js';
import { selfSignedCert } from '../test-support/self-signed.js';
import { testContext } from '../test-support/context.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function httpsServer(opts: { notBefore?: Date; notAfter?: Date } = {}): Promise<string> {
  const { cert, key } = await selfSignedCert(opts);
  server = createServer({ cert, key }, (_req, res) => res.end('secure'));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const probe = createHttpProbe();

describe('http probe over TLS', () => {
  it('reports an untrusted certificate as a ProbeError that says so, and accepts it with insecureTls', async () => {
    const url = await httpsServer();
    const err = (await probe.observe({ url }, testContext()).catch((e: unknown) => e)) as ProbeError;
    expect(err).toBeInstanceOf(ProbeError);
    expect(err.message).toMatch(/failed: self-signed certificate \(set insecureTls: true only for test systems\)/);
    const obs = await probe.observe({ url, insecureTls: true }, testContext());
    expect(obs).toMatchObject({ status: 200, value: 'secure' });
  });

  it('names an expired certificate', async () => {
    const url = await httpsServer({ notBefore: new Date(Date.now() - 7_200_000), notAfter: new Date(Date.now() - 3_600_000) });
    const err = (await probe.observe({ url }, testContext()).catch((e: unknown) => e)) as ProbeError;
    expect(err.message).toBe(`GET ${url} failed: certificate has expired (CERT_HAS_EXPIRED)`);
  });
});
