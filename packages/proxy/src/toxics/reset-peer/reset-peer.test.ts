import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { closeKind } from '../../testing/net-helpers.js';

describe('reset_peer toxic', () => {
  let f: ProxyFixture;
  afterEach(() => f.close());

  it('resets (RST) the connection `timeout` ms after data arrives', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 100 } });
    const client = await f.connect();
    const kind = closeKind(client);
    const start = performance.now();
    client.write('boom');
    expect(await kind).toBe('reset');
    const ms = performance.now() - start;
    expect(ms).toBeGreaterThanOrEqual(95);
    expect(ms).toBeLessThan(100 + 200);
  });

  it('timeout 0 resets at once', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'reset_peer', stream: 'upstream' });
    const client = await f.connect();
    const kind = closeKind(client);
    client.write('boom');
    expect(await kind).toBe('reset');
  });
});
