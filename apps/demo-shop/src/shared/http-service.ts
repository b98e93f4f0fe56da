import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ServiceMetrics } from './metrics.js';
import { systemClock } from '@faultline/core';

/** A running demo service. close() releases every socket and timer it owns. */
export interface RunningService {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A JSON answer from a route handler. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

export interface Route {
  /** Template used as the `route` metric label, e.g. '/items/:sku'. */
  readonly template: string;
  readonly match: (path: string) => Record<string, string> | undefined;
  readonly handle: (params: Record<string, string>, req: IncomingMessage, signal: AbortSignal) => Promise<Answer>;
}

/** A route matching `/prefix/:name` exactly once (one path segment). */
export function paramRoute(prefix: string, name: string, handle: Route['handle']): Route {
  return {
    template: `${prefix}/:${name}`,
    match: (path) => {
      if (!path.startsWith(prefix + '/')) return undefined;
      const rest = path.slice(prefix.length + 1);
      return rest && !rest.includes('/') ? { [name]: decodeURIComponent(rest) } : undefined;
    },
    handle,
  };
}

export function exactRoute(path: string, handle: Route['handle']): Route {
  return { template: path, match: (p) => (p === path ? {} : undefined), handle };
}

/** nginx's code for "the client went away before the answer": not a server error. */
const CLIENT_CLOSED = 499;

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Starts a small HTTP JSON service with /metrics, counting every answer in the service's metrics.
 * Only GET is served. Binds `host` (default 127.0.0.1) on `port` (default 0 = ephemeral).
 */
export async function startHttpService(opts: {
  service: string;
  metrics: ServiceMetrics;
  routes: readonly Route[];
  host?: string;
  port?: number;
  onClose?: () => Promise<void>;
}): Promise<RunningService> {
  const { service, metrics } = opts;
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();
  const observe = (route: string, code: number, started: number) => {
    const labels = { service, route, code: String(code) };
    metrics.requests.inc(labels);
    if (code >= 500) metrics.errors.inc(labels);
    metrics.duration.observe(labels, (systemClock.monotonic() - started) / 1000);
  };

  const server = createServer((req, res) => {
    const started = systemClock.monotonic();
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          send(res, 200, text, metrics.registry.contentType);
          observe('/metrics', 200, started);
        },
        (err: unknown) => {
          send(res, 500, { error: `metrics collection failed: ${String(err)}` });
          observe('/metrics', 500, started);
        },
      );
      return;
    }
    for (const route of opts.routes) {
      const params = route.match(path);
      if (!params) continue;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, { error: `${req.method} is not supported on ${route.template}; use GET` });
        observe(route.template, 405, started);
        return;
      }
      // Aborted when the client goes away or the service closes, so upstream calls stop too.
      const ctl = new AbortController();
      inFlight.add(ctl);
      let clientGone = false;
      res.on('close', () => {
        if (!res.writableFinished) clientGone = true;
        ctl.abort(new Error('client closed the connection'));
      });
      route.handle(params, req, ctl.signal).then(
        (answer) => {
          send(res, answer.status, answer.body);
          observe(route.template, clientGone ? CLIENT_CLOSED : answer.status, started);
        },
        (err: unknown) => {
          send(res, 500, { error: `${service} failed: ${err instanceof Error ? err.message : String(err)}` });
          observe(route.template, clientGone ? CLIENT_CLOSED : 500, started);
        },
      ).finally(() => inFlight.delete(ctl));
      return;
    }
    send(res, 404, { error: `no route for ${path}` });
    observe('unknown', 404, started);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      (closing ??= (async () => {
        for (const ctl of inFlight) ctl.abort(new Error(`${service} is shutting down`));
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await closed;
        await opts.onClose?.();
      })()),
  };
}
