import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { pattern, readBytes } from '../../testing/net-helpers.js';
import { sliceOffsets } from './slicer.js';

describe('slicer toxic', () => {
  let f: ProxyFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('cuts a chunk into slices of average_size +/- size_variation that cover it exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 0, max: 99 }), (length, avg, percent) => {
        const attrs = { average_size: avg, size_variation: Math.floor((avg * percent) / 100), delay: 0 };
        const cuts = sliceOffsets(length, attrs, Math.random);
        let prev = 0;
        const bad = cuts.filter((cut) => {
          const size = cut - prev;
          prev = cut;
          return size <= 0 || (length > avg + attrs.size_variation && size > avg + attrs.size_variation);
        });
        return cuts.at(-1) === length && bad.length === 0;
      }),
      { numRuns: 200 },
    );
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
    expect(reads).toBeGreaterThan(50);
  });
});
