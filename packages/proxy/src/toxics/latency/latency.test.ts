import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { roundTrip } from '../../testing/net-helpers.js';

describe('latency toxic', () => {
  let f: ProxyFixture;
  afterEach(() => f.close());

  it('adds the configured latency per direction, within a few ms', async () => {
    f = await proxyFixture();
    const client = await f.connect();
    const base = await roundTrip(client, Buffer.from('x'));
    await f.addToxic({ type: 'latency', stream: 'downstream', attributes: { latency: 80 } });
    await f.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 40 } });
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push((await roundTrip(client, Buffer.from('x'))).ms);
    for (const ms of samples) {
      expect(ms).toBeGreaterThanOrEqual(119);
      expect(ms).toBeLessThan(120 + base.ms + 40);
    }
  });

  it('keeps jitter inside latency +/- jitter and bytes in order', async () => {
    f = await proxyFixture({ server: { random: seeded(7) } });
    await f.addToxic({ type: 'latency', attributes: { latency: 50, jitter: 30 } });
    const client = await f.connect();
    for (let i = 0; i < 8; i++) {
      const { ms, reply } = await roundTrip(client, Buffer.from(`msg-${i}`));
      expect(reply.toString()).toBe(`msg-${i}`);
      expect(ms).toBeGreaterThanOrEqual(19);
      expect(ms).toBeLessThan(80 + 150); // generous: CI machines are shared
    }
  });

  it('overlaps chunks in flight instead of serialising them (pipelined like Toxiproxy)', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'latency', attributes: { latency: 100 } });
    const client = await f.connect();
    const start = performance.now();
    const all = new Promise<void>((resolve) => {
      let got = 0;
      client.on('data', (c: Buffer) => {
        got += c.length;
        if (got === 10) resolve();
      });
    });
    for (let i = 0; i < 10; i++) {
      client.write('a');
      await new Promise((r) => setTimeout(r, 5));
    }
    await all;
    expect(performance.now() - start).toBeLessThan(100 + 50 + 150); // not 10 x 100 ms
  });

  it('flushes held bytes at once when removed from an open connection', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'latency', attributes: { latency: 5_000 } });
    const client = await f.connect();
    const start = performance.now();
    const reply = roundTrip(client, Buffer.from('held'));
    await new Promise((r) => setTimeout(r, 50));
    await f.server.proxies.removeToxic('p', 'latency_downstream');
    expect((await reply).reply.toString()).toBe('held');
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}
