import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile, startProxyServer, type ProxyServer } from '../index.js';
import { startEchoServer, type TestServer } from '../testing/net-helpers.js';

describe('--state FILE persistence and -config files', () => {
  let dir: string;
  let echo: TestServer;
  let server: ProxyServer | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-proxy-'));
    echo = await startEchoServer();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await echo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves every change atomically and restores it after a restart', async () => {
    const stateFile = join(dir, 'state.json');
    server = await startProxyServer({ port: 0, stateFile });
    const proxy = await server.proxies.create({ name: 'db', upstream: echo.address });
    await server.proxies.addToxic('db', { type: 'latency', attributes: { latency: 42 } });
    await server.proxies.addToxic('db', { name: 'short', type: 'timeout', ttl: 150 });
    await server.proxies.addToxic('db', { name: 'long', type: 'slow_close', ttl: 600_000 });
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved.version).toBe(1);
    expect(saved.proxies[0].toxics.map((t: { name: string }) => t.name)).toEqual(['latency_downstream', 'short', 'long']);
    await server.close();

    await new Promise((r) => setTimeout(r, 200)); // "short" expires while the server is down
    server = await startProxyServer({ port: 0, stateFile });
    const restored = server.proxies.get('db');
    expect(restored.listen).toBe(proxy.listen); // same port as before
    expect(restored.toxics.map((t) => t.name)).toEqual(['latency_downstream', 'long']);
    expect(restored.toxics[0]?.attributes).toEqual({ latency: 42, jitter: 0 });
    expect(restored.toxics[1]?.expires_at).toBe(saved.proxies[0].toxics[2].expires_at);
    await server.proxies.remove('db');
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).proxies).toEqual([]);
  });

  it('refuses a state file that is not ours, naming the file', async () => {
    const stateFile = join(dir, 'bad.json');
    writeFileSync(stateFile, '{"hello": 1}');
    await expect(startProxyServer({ port: 0, stateFile })).rejects.toThrow(/bad\.json.*unknown format/);
  });

  it('loads a Toxiproxy config file (with toxics, an extension) and reports bad ones', async () => {
    const config = join(dir, 'proxies.json');
    writeFileSync(config, JSON.stringify([{ name: 'redis', listen: '127.0.0.1:0', upstream: echo.address, toxics: [{ type: 'latency', attributes: { latency: 5 } }] }]));
    server = await startProxyServer({ port: 0, config: await loadConfigFile(config) });
    expect(server.proxies.get('redis').toxics).toHaveLength(1);
    writeFileSync(config, JSON.stringify([{ name: 'redis' }]));
    await expect(loadConfigFile(config)).rejects.toThrow(/proxies\.json.*missing required field: upstream/);
    await expect(loadConfigFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read proxy config/);
  });
});
