import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { pattern, readAll, startTcpServer } from '../../testing/net-helpers.js';

describe('limit_data toxic', () => {
  let f: ProxyFixture;
  afterEach(() => f.close());

  it('passes exactly `bytes` bytes, then closes the connection', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'limit_data', attributes: { bytes: 1000 } });
    const client = await f.connect();
    const data = pattern(5000);
    const all = readAll(client);
    client.write(data);
    const got = await all;
    expect(got.length).toBe(1000);
    expect(got.equals(data.subarray(0, 1000))).toBe(true);
  });

  it('counts across writes on the same connection (upstream) and closes both sides', async () => {
    let received = '';
    let upstreamEnded!: () => void;
    const ended = new Promise<void>((r) => (upstreamEnded = r));
    const upstream = await startTcpServer((socket) => {
      socket.on('data', (c: Buffer) => (received += c.toString()));
      socket.on('end', () => upstreamEnded());
    });
    f = await proxyFixture({ upstream });
    await f.addToxic({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } });
    const client = await f.connect();
    const clientDone = readAll(client);
    client.write('12345');
    await new Promise((r) => setTimeout(r, 20));
    client.write('67890abcdef');
    await ended;
    await clientDone;
    expect(received).toBe('1234567890');
  });
});
