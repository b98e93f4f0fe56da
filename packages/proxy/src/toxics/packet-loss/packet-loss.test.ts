import { seededRandom } from '@faultline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { pattern, readBytes, roundTrip } from '../../testing/net-helpers.js';
import { retransmissionDelay } from './packet-loss.js';

describe('packet_loss toxic (extension)', () => {
  let f: ProxyFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('delays a share p of chunks by rto, p^2 by rto+2rto, ... (exponential backoff)', () => {
    const random = seededRandom(42);
    const attrs = { probability: 0.3, rto: 200 };
    const n = 100_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const d = retransmissionDelay(attrs, random);
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    // Only sums of a doubling RTO are possible: 0, 200, 600, 1400, ...
    const possible = new Set(Array.from({ length: 10 }, (_, k) => 200 * (2 ** k - 1)));
    expect([...counts.keys()].filter((d) => !possible.has(d))).toEqual([]);
    const share = (d: number): number => (counts.get(d) ?? 0) / n;
    expect(share(0)).toBeCloseTo(0.7, 2);
    expect(share(200)).toBeCloseTo(0.3 * 0.7, 2);
    expect(share(600)).toBeCloseTo(0.09 * 0.7, 2);
    expect(retransmissionDelay({ probability: 0, rto: 200 }, random)).toBe(0);
  });

  it('never drops or corrupts data, and lost chunks arrive one RTO late', async () => {
    f = await proxyFixture({ server: { random: seededRandom(3) } });
    await f.addToxic({ type: 'packet_loss', attributes: { probability: 0.5, rto: 40 } });
    const client = await f.connect();
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const msg = Buffer.from(`chunk-${i}`);
      const { ms, reply } = await roundTrip(client, msg);
      expect(reply.equals(msg)).toBe(true);
      times.push(ms);
    }
    const delayed = times.filter((ms) => ms >= 39).length;
    expect(delayed).toBeGreaterThan(5);
    expect(delayed).toBeLessThan(25);
    const big = pattern(300_000);
    const got = readBytes(client, big.length);
    client.write(big);
    expect((await got).equals(big)).toBe(true);
  });
});
