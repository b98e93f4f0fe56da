// A small settings API on loopback for http.call tests: bearer auth, JSON settings, request log.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ConfigApi {
  readonly url: string;
  readonly settings: Map<string, unknown>;
  readonly calls: RecordedCall[];
  /** Answers the next `n` requests with this status (then behaves normally again). */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

/**
 * GET/PUT/DELETE /settings/:name with `Authorization: Bearer <token>` (401 otherwise). PUT stores the JSON
 * body, DELETE removes it; both are idempotent. /echo answers 400 with the request headers in the body
 * (what careless servers do with tokens).
 */
export async function startConfigApi(token: string): Promise<ConfigApi> {
  const settings = new Map<string, unknown>();
  const calls: RecordedCall[] = [];
  let failing = 0;
  let failStatus = 503;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      calls.push({ method: req.method ?? '', path, headers: req.headers, body });
      const send = (status: number, payload?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      if (failing > 0) {
        failing--;
        return send(failStatus, { error: 'temporarily failing' });
      }
      if (path === '/echo') return send(400, { error: 'bad request', headers: req.headers });
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'unauthorized' });
      const m = /^\/settings\/([\w.-]+)(\?.*)?$/.exec(path);
      if (!m) return send(404, { error: 'no such route' });
      const name = m[1] as string;
      if (req.method === 'GET') return settings.has(name) ? send(200, settings.get(name)) : send(404, { error: 'no such setting' });
      if (req.method === 'PUT') {
        try {
          settings.set(name, JSON.parse(body || 'null'));
        } catch {
          return send(400, { error: 'body is not JSON' });
        }
        return send(200, settings.get(name));
      }
      if (req.method === 'DELETE') {
        settings.delete(name);
        return send(204);
      }
      return send(405, { error: 'method not allowed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    settings,
    calls,
    failNext(n, status) {
      failing = n;
      failStatus = status;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
