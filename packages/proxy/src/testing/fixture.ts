import type { Socket } from 'node:net';
import { startProxyServer, type ProxyServer, type ProxyServerOptions, type ToxicInput, type ToxicJson } from '../index.js';
import { portOf } from './api-helpers.js';
import { connectTo, startEchoServer, type TestServer } from './net-helpers.js';

/** An echo upstream behind one proxy named "p"; `close()` tears down everything it made. */
export interface ProxyFixture {
  readonly server: ProxyServer;
  readonly upstream: TestServer;
  readonly port: number;
  addToxic(input: ToxicInput): Promise<ToxicJson>;
  connect(): Promise<Socket>;
  close(): Promise<void>;
}

export async function proxyFixture(
  opts: { upstream?: TestServer; server?: ProxyServerOptions } = {},
): Promise<ProxyFixture> {
  const upstream = opts.upstream ?? (await startEchoServer());
  const server = await startProxyServer({ port: 0, ...opts.server });
  const proxy = await server.proxies.create({ name: 'p', upstream: upstream.address });
  const sockets = new Set<Socket>();
  return {
    server,
    upstream,
    port: portOf(proxy.listen),
    addToxic: (input) => server.proxies.addToxic('p', input),
    connect: async () => {
      const socket = await connectTo(portOf(proxy.listen));
      socket.on('error', () => undefined);
      sockets.add(socket);
      return socket;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await server.close();
      await upstream.close();
    },
  };
}
