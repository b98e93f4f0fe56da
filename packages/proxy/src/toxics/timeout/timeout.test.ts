import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture, type ProxyFixture } from '../../testing/fixture.js';
import { closeKind } from '../../testing/net-helpers.js';

describe('timeout toxic', () => {
  let f: ProxyFixture;
  afterEach(() => f.close());

  it('drops data and closes the connection after the timeout', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'timeout', attributes: { timeout: 150 } });
    const client = await f.connect();
    const start = performance.now();
    const received: Buffer[] = [];
    client.on('data', (c: Buffer) => received.push(c));
    client.write('lost');
    const kind = await closeKind(client);
    const ms = performance.now() - start;
    expect(kind).toBe('end');
    expect(Buffer.concat(received).length).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(145);
    expect(ms).toBeLessThan(150 + 250);
  });

  it('timeout 0 holds the connection until the toxic is removed, which closes it', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'timeout', attributes: { timeout: 0 } });
    const client = await f.connect();
    let ended = false;
    const kind = closeKind(client).then((k) => ((ended = true), k));
    client.write('lost');
    await new Promise((r) => setTimeout(r, 200));
    expect(ended).toBe(false);
    await f.server.proxies.removeToxic('p', 'timeout_downstream');
    expect(await kind).toBe('end');
  });
});
