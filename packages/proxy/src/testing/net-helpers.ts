import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A TCP server on 127.0.0.1:0 for tests; `close()` destroys every socket it accepted. */
export interface TestServer {
  readonly port: number;
  readonly address: string;
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

export async function startTcpServer(onSocket: (socket: Socket) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    address: `127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echoes everything back; ends its side when the client ends (half-close aware). */
export function startEchoServer(): Promise<TestServer> {
  return startTcpServer((socket) => socket.pipe(socket));
}

export async function connectTo(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true, noDelay: true });
  await once(socket, 'connect');
  return socket;
}

/** Collects everything until the peer ends or the socket closes. */
export function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

/** Resolves with exactly `n` bytes (or rejects if the socket ends first). */
export function readBytes(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (c: Buffer): void => {
      chunks.push(c);
      got += c.length;
      if (got >= n) {
        cleanup();
        resolve(Buffer.concat(chunks));
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`socket ended after ${got} of ${n} bytes`));
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}

/** How the socket finished: a clean end, a reset, or another error. */
export function closeKind(socket: Socket): Promise<'end' | 'reset' | 'error'> {
  return new Promise((resolve) => {
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNRESET' ? 'reset' : 'error'));
    socket.once('end', () => resolve('end'));
    socket.resume();
  });
}

/** Sends `data` and times until `expect` bytes came back. */
export async function roundTrip(socket: Socket, data: Buffer, expect = data.length): Promise<{ ms: number; reply: Buffer }> {
  const start = performance.now();
  const reply = readBytes(socket, expect);
  socket.write(data);
  const buf = await reply;
  return { ms: performance.now() - start, reply: buf };
}

export function pattern(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + (i >> 8)) & 0xff;
  return buf;
}
