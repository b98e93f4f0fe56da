import net from 'node:net';
import { startProxyServer, type ProxyServer } from '@faultline/proxy';

/** A real TCP upstream that echoes what it receives. */
export async function startEchoUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** The embedded proxy with one proxy `name` in front of `upstreamPort`. */
export async function startProxyFor(name: string, upstreamPort: number): Promise<ProxyServer> {
  const proxy = await startProxyServer({ host: '127.0.0.1', port: 0 });
  const res = await fetch(`${proxy.url}/proxies`, { method: 'POST', body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` }) });
  if (res.status !== 201) throw new Error(`could not create proxy ${name}: ${res.status} ${await res.text()}`);
  return proxy;
}

/** Names of the toxics on one proxy. */
export async function toxicNames(proxy: ProxyServer, name: string): Promise<string[]> {
  return ((await (await fetch(`${proxy.url}/proxies/${name}/toxics`)).json()) as { name: string }[]).map((t) => t.name);
}
