import fc from 'fast-check';
import { seededRandom } from '@faultline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { api } from '../../testing/api-helpers.js';
import { pattern, readBytes } from '../../testing/net-helpers.js';
import { sliceOffsets } from './slicer.js';

describe('slicer toxic', () => {
  let f: ProxyFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  /** Slice sizes of `cuts`, or undefined unless they cover [0, length) exactly in order. */
  function sizesOf(cuts: number[], length: number): number[] | undefined {
    let prev = 0;
    const sizes = cuts.map((cut) => {
      const size = cut - prev;
      prev = cut;
      return size;
    });
    return length === 0 ? (cuts.length === 0 ? [] : undefined) : cuts.at(-1) === length ? sizes : undefined;
  }

  it('cuts a chunk into slices of average_size +/- size_variation that cover it exactly', () => {
    // The data path's random source comes from fast-check's seed, so a failure replays exactly.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 0, max: 99 }), fc.integer(), (length, avg, percent, seed) => {
        const attrs = { average_size: avg, size_variation: Math.floor((avg * percent) / 100), delay: 0 };
        const sizes = sizesOf(sliceOffsets(length, attrs, seededRandom(seed)), length);
        expect(sizes).toBeDefined();
        expect(Math.min(...(sizes ?? [1]))).toBeGreaterThanOrEqual(1);
        if (length > avg + attrs.size_variation) expect(Math.max(...(sizes ?? [0]))).toBeLessThanOrEqual(avg + attrs.size_variation);
      }),
      { numRuns: 200 },
    );
  });

  it('with size_variation >= average_size (Toxiproxy 2.x accepts it) every slice still has >= 1 byte and cutting ends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 0, max: 5_000 }), fc.integer(), (length, avg, extra, seed) => {
        const attrs = { average_size: avg, size_variation: avg + extra, delay: 0 };
        const sizes = sizesOf(sliceOffsets(length, attrs, seededRandom(seed)), length);
        expect(sizes).toBeDefined();
        expect(Math.min(...(sizes ?? [1]))).toBeGreaterThanOrEqual(1);
        expect(sizes?.length ?? 0).toBeLessThanOrEqual(length);
      }),
      { numRuns: 200 },
    );
    // The worst case for the random source: always the smallest cut, then always the largest.
    for (const random of [() => 0, () => 0.999999]) {
      const sizes = sizesOf(sliceOffsets(65_536, { average_size: 1, size_variation: 40_000, delay: 0 }, random), 65_536);
      expect(Math.min(...(sizes ?? [0]))).toBeGreaterThanOrEqual(1);
    }
  });

  it('accepts average_size 1000 with size_variation 1000 over the HTTP API and still delivers every byte intact', async () => {
    f = await proxyFixture();
    const res = await api(f.server.url, 'POST', '/proxies/p/toxics', { name: 'even', type: 'slicer', attributes: { average_size: 1000, size_variation: 1000, delay: 10 } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ name: 'even', type: 'slicer', attributes: { average_size: 1000, size_variation: 1000, delay: 10 } });
    const patched = await api(f.server.url, 'POST', '/proxies/p/toxics/even', { attributes: { size_variation: 5000 } });
    expect(patched.status, patched.text).toBe(200);
    const client = await f.connect();
    const data = pattern(100_000);
    const got = readBytes(client, data.length);
    client.write(data);
    expect((await got).equals(data)).toBe(true);
  });

  it('delivers every byte, in order, in many small reads', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'slicer', attributes: { average_size: 100, size_variation: 50, delay: 1000 } });
    const client = await f.connect();
    const data = pattern(20_000); // ~200 slices, 1 ms apart
    let reads = 0;
    client.on('data', () => reads++);
    const got = readBytes(client, data.length);
    client.write(data);
    const reply = await got;
    expect(reply.equals(data)).toBe(true);
    // ~200 slices 1 ms apart; a loaded receiver may coalesce neighbours into one read, so only "more
    // than one" is certain here (slice sizes and counts are checked exactly by the properties above).
    expect(reads).toBeGreaterThan(1);
  });
});
