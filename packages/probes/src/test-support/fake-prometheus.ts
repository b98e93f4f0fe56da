import { startHttpServer, type TestHttpServer } from './http-server.js';

/** What the fake answers for one query: an HTTP status and a JSON (or raw text) body. */
export interface FakeAnswer {
  readonly status?: number;
  readonly body: unknown;
  /** Hold the answer this long (to test timeouts); the server's close() cuts it short. */
  readonly delayMs?: number;
}

export interface FakePrometheus extends TestHttpServer {
  /** The form fields of every /api/v1/query request, in order. */
  readonly queries: Array<Record<string, string>>;
}

export const answers = {
  vector: (...series: Array<[Record<string, string>, string]>): FakeAnswer => ({
    body: { status: 'success', data: { resultType: 'vector', result: series.map(([metric, v]) => ({ metric, value: [1_700_000_000.5, v] })) } },
  }),
  scalar: (v: string): FakeAnswer => ({ body: { status: 'success', data: { resultType: 'scalar', result: [1_700_000_000.5, v] } } }),
  error: (status: number, errorType: string, error: string): FakeAnswer => ({ status, body: { status: 'error', errorType, error } }),
};

/**
 * A stand-in for the Prometheus HTTP API (only POST/GET /api/v1/query, under any path prefix),
 * answering each query with `answer(query)`. Binds 127.0.0.1 on an ephemeral port.
 */
export async function startFakePrometheus(answer: (query: string, form: Record<string, string>) => FakeAnswer): Promise<FakePrometheus> {
  const queries: Array<Record<string, string>> = [];
  const server = await startHttpServer(async (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (!url.pathname.endsWith('/api/v1/query')) {
      res.statusCode = 404;
      res.end('404 page not found\n');
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(req.method === 'POST' ? body : url.search));
    queries.push(form);
    const a = answer(form['query'] ?? '', form);
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
    res.statusCode = a.status ?? 200;
    res.setHeader('content-type', typeof a.body === 'string' ? 'text/plain' : 'application/json');
    res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  });
  return Object.assign(server, { queries });
}
