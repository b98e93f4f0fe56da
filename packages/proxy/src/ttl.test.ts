import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToxicRemovedEvent } from './index.js';
import { api } from './testing/api-helpers.js';
import { proxyFixture, type ProxyFixture } from './testing/fixture.js';
import { roundTrip } from './testing/net-helpers.js';

describe('ttl on any toxic (extension: dead-man switch)', () => {
  let f: ProxyFixture;
  afterEach(() => f.close());

  it('shows ttl and expires_at, then removes itself and frees open connections', async () => {
    f = await proxyFixture();
    const before = Date.now();
    const created = await api(f.server.url, 'POST', '/proxies/p/toxics', { type: 'latency', ttl: 300, attributes: { latency: 10_000 } });
    expect(created.json.ttl).toBe(300);
    const expiresAt = Date.parse(created.json.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 300);
    expect(expiresAt).toBeLessThan(before + 300 + 1_000);

    const client = await f.connect();
    const reply = roundTrip(client, Buffer.from('held until expiry'));
    const [event] = (await once(f.server.proxies, 'toxic-removed')) as [ToxicRemovedEvent];
    expect(event).toEqual({ proxy: 'p', toxic: 'latency_downstream', reason: 'expired' });
    expect((await reply).reply.toString()).toBe('held until expiry');
    expect((await api(f.server.url, 'GET', '/proxies/p/toxics')).json).toEqual([]);
  });

  it('a PATCH with ttl re-arms the switch (heartbeat) and ttl 0 disarms it', async () => {
    f = await proxyFixture();
    await f.addToxic({ type: 'timeout', ttl: 200 });
    const patched = await f.server.proxies.updateToxic('p', 'timeout_downstream', { ttl: 60_000 });
    expect(patched.ttl).toBe(60_000);
    const disarmed = await f.server.proxies.updateToxic('p', 'timeout_downstream', { ttl: 0 });
    expect(disarmed.ttl).toBeUndefined();
    expect(disarmed.expires_at).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(f.server.proxies.listToxics('p')).toHaveLength(1);
  });

  it('rejects a bad ttl', async () => {
    f = await proxyFixture();
    for (const ttl of [-1, 0, 1.5, 'soon']) {
      expect((await api(f.server.url, 'POST', '/proxies/p/toxics', { type: 'latency', ttl })).status).toBe(400);
    }
  });
});
