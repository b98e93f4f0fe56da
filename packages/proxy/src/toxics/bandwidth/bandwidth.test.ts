import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { pattern, readBytes } from '../../testing/net-helpers.js';

describe('bandwidth toxic', () => {
  let f: ProxyFixture;
  afterEach(() => f.close());

  it('limits throughput to the configured KB/s within 10%', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'bandwidth', stream: 'downstream', attributes: { rate: 500 } }); // 500 KB/s
    const client = await f.connect();
    const data = pattern(1_000_000); // 2 s worth, so fixed overheads stay far below 10%
    const start = performance.now();
    const got = readBytes(client, data.length);
    client.write(data);
    const reply = await got;
    const seconds = (performance.now() - start) / 1000;
    expect(reply.equals(data)).toBe(true);
    const rateKBps = data.length / 1000 / seconds;
    expect(rateKBps).toBeGreaterThan(450);
    expect(rateKBps).toBeLessThan(550);
  });

  it('rate 0 means unlimited', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'bandwidth', attributes: { rate: 0 } });
    const client = await f.connect();
    const data = pattern(4_000_000);
    const got = readBytes(client, data.length);
    const start = performance.now();
    client.write(data);
    expect((await got).equals(data)).toBe(true);
    expect(performance.now() - start).toBeLessThan(3_000);
  });
});
