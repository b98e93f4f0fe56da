import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { readAll } from '../../testing/net-helpers.js';

describe('slow_close toxic', () => {
  let f: ProxyFixture;
  afterEach(() => f.close());

  it('delays the close by `delay` ms but not the data', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'slow_close', attributes: { delay: 200 } });
    const client = await f.connect();
    let firstData = 0;
    client.once('data', () => (firstData = performance.now()));
    const start = performance.now();
    const all = readAll(client);
    client.end('bye'); // echo server ends after echoing
    expect((await all).toString()).toBe('bye');
    const closedAfter = performance.now() - start;
    expect(firstData - start).toBeLessThan(100);
    expect(closedAfter).toBeGreaterThanOrEqual(195);
    expect(closedAfter).toBeLessThan(200 + 250);
  });
});
