import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorCatalog, FaultlineError } from '@faultline/core/errors';
import type { Logger } from '@faultline/core/logger';
import type { ProxyCollection } from '../collection.js';
import { ProxyRequestError, type ProxyApiFacing } from '../errors.js';
import { renderMetrics } from '../metrics.js';
import type { ProxyJson } from '../model.js';
import { getCertificateAuthorityPem } from '../tls/certificates.js';
import { readJsonBody } from './body.js';

/** The Toxiproxy release whose API this server speaks. */
export const TOXIPROXY_API_VERSION = '2.12.0';

type Handler = (ctx: { req: IncomingMessage; params: string[] }) => Promise<Reply>;
interface Reply {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
}

/** Route table: path pattern (`*` = one segment) -> method -> handler. */
function routes(collection: ProxyCollection): [string[], Record<string, Handler>][] {
  const ok = (body: unknown, status = 200): Reply => ({ status, body });
  const noContent: Reply = { status: 204 };
  return [
    [['reset'], { POST: async () => (await collection.reset(), noContent) }],
    [['version'], { GET: async () => ({ status: 200, text: `{"version": "${TOXIPROXY_API_VERSION}"}\n`, contentType: 'application/json;charset=utf-8' }) }],
    [['metrics'], { GET: async () => ({ status: 200, text: renderMetrics(collection), contentType: 'text/plain; version=0.0.4; charset=utf-8' }) }],
    [['tls', 'ca.pem'], { GET: async () => ({ status: 200, text: await getCertificateAuthorityPem(), contentType: 'application/x-pem-file' }) }],
    [
      ['populate'],
      {
        POST: async ({ req }) => {
          const body = await readJsonBody(req);
          try {
            return ok({ proxies: await collection.populate(body as never) }, 201);
          } catch (err) {
            const applied = (err as { applied?: ProxyJson[] }).applied;
            if (err instanceof FaultlineError && applied) throw Object.assign(err, { extraBody: { proxies: applied } });
            throw err;
          }
        },
      },
    ],
    [
      ['proxies'],
      {
        GET: async () => ok(collection.list()),
        POST: async ({ req }) => ok(await collection.create((await readJsonBody(req)) as never), 201),
      },
    ],
    [
      ['proxies', '*'],
      {
        GET: async ({ params: [p] }) => ok(collection.get(p as string)),
        POST: async ({ req, params: [p] }) => ok(await collection.update(p as string, (await readJsonBody(req)) as never)),
        PATCH: async ({ req, params: [p] }) => ok(await collection.update(p as string, (await readJsonBody(req)) as never)),
        DELETE: async ({ params: [p] }) => (await collection.remove(p as string), noContent),
      },
    ],
    [
      ['proxies', '*', 'toxics'],
      {
        GET: async ({ params: [p] }) => ok(collection.listToxics(p as string)),
        POST: async ({ req, params: [p] }) => {
          const body = await readJsonBody(req);
          collection.get(p as string); // 404 for the proxy before 400 for the body, as Toxiproxy
          return ok(await collection.addToxic(p as string, body as never));
        },
      },
    ],
    [
      ['proxies', '*', 'toxics', '*'],
      {
        GET: async ({ params: [p, t] }) => ok(collection.getToxic(p as string, t as string)),
        POST: async ({ req, params: [p, t] }) => ok(await updateToxic(collection, req, p as string, t as string)),
        PATCH: async ({ req, params: [p, t] }) => ok(await updateToxic(collection, req, p as string, t as string)),
        DELETE: async ({ params: [p, t] }) => (await collection.removeToxic(p as string, t as string), noContent),
      },
    ],
  ];
}

async function updateToxic(collection: ProxyCollection, req: IncomingMessage, proxy: string, toxic: string): Promise<unknown> {
  const body = await readJsonBody(req);
  collection.getToxic(proxy, toxic); // 404 first, as Toxiproxy
  return collection.updateToxic(proxy, toxic, body as never);
}

/**
 * The Toxiproxy HTTP API as a node:http request listener. Errors are `{"error", "status"}`
 * bodies with Toxiproxy's texts (plus a `hint`); nothing internal leaks in a 500.
 */
export function createApiHandler(collection: ProxyCollection, log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(collection);
  return (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log.error({ err: String(err) }, 'proxy API: response failed');
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal error', status: 500 } });
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Toxiproxy refuses browsers, so a web page cannot drive the proxy (CSRF, DNS rebinding).
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      send(res, { status: 403, text: 'User agent not allowed\n', contentType: 'text/plain; charset=utf-8' });
      return;
    }
    let reply: Reply;
    try {
      reply = await dispatch(req);
    } catch (err) {
      reply = errorReply(err, log);
    }
    send(res, reply);
  }

  async function dispatch(req: IncomingMessage): Promise<Reply> {
    const segments = splitPath(req.url ?? '/');
    const route = table.find(([pattern]) => pattern.length === segments.length && pattern.every((p, i) => p === '*' || p === segments[i]));
    if (!route) {
      req.resume();
      return { status: 404, body: { error: 'not found', status: 404, hint: `no API route ${req.method} ${req.url}; see GET /proxies` } };
    }
    const [pattern, methods] = route;
    const handler = Object.hasOwn(methods, req.method ?? '') ? methods[req.method ?? ''] : undefined;
    if (!handler) {
      req.resume();
      return { status: 405, body: { error: 'method not allowed', status: 405, hint: `allowed: ${Object.keys(methods).join(', ')}` } };
    }
    return handler({ req, params: segments.filter((_, i) => pattern[i] === '*') });
  }
}

function splitPath(url: string): string[] {
  const path = url.split('?')[0] ?? '/';
  try {
    return path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch (err) {
    throw new ProxyRequestError('bad request path: invalid percent-encoding', `check ${JSON.stringify(path)}`, { cause: err });
  }
}

function errorReply(err: unknown, log: Logger): Reply {
  if (err instanceof FaultlineError) {
    const status = errorCatalog[err.code].http;
    if (status < 500) {
      const apiMessage = (err as Partial<ProxyApiFacing>).apiMessage ?? err.message;
      const extra = (err as { extraBody?: Record<string, unknown> }).extraBody ?? {};
      return { status, body: { error: apiMessage, status, ...(err.hint ? { hint: err.hint } : {}), ...extra } };
    }
  }
  log.error({ err: String(err) }, 'proxy API: unexpected error');
  return { status: 500, body: { error: 'internal error', status: 500 } };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204) {
    res.writeHead(204).end();
    return;
  }
  const text = reply.text ?? JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
