import { Agent, request } from 'undici';

/** What came back from one HTTP exchange, body fully read. */
export interface HttpCallResult {
  readonly status: number;
  readonly contentType: string | undefined;
  /** The body, at most maxBodyBytes of it, decoded as UTF-8. */
  readonly body: string;
  /** True when the body was longer than maxBodyBytes (the rest was read and dropped). */
  readonly truncated: boolean;
  /** From sending the request to the last byte of the body. */
  readonly latencyMs: number;
}

export interface HttpCallOptions {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly insecureTls: boolean;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
}

/**
 * One request on a fresh connection. Probes deliberately do not reuse connections: a kept-alive
 * socket would hide faults that only new connections meet (refused connects, TLS failures, slow
 * accepts), and a guard's latency must include them. Redirects are not followed (3xx is observed).
 * Foreign errors propagate; callers wrap them.
 */
export async function httpCall(opts: HttpCallOptions): Promise<HttpCallResult> {
  const agent = new Agent({
    connect: { timeout: opts.timeoutMs, rejectUnauthorized: !opts.insecureTls },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    pipelining: 0,
  });
  const started = performance.now();
  try {
    const res = await request(opts.url, {
      method: opts.method as 'GET',
      headers: opts.headers,
      body: opts.body ?? null,
      signal: opts.signal,
      dispatcher: agent,
    });
    const chunks: Buffer[] = [];
    let stored = 0;
    let truncated = false;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (stored < opts.maxBodyBytes) {
        const room = opts.maxBodyBytes - stored;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        stored += Math.min(chunk.length, room);
        if (chunk.length > room) truncated = true;
      } else if (chunk.length > 0) {
        truncated = true;
      }
    }
    const latencyMs = performance.now() - started;
    const ct = res.headers['content-type'];
    return {
      status: res.statusCode,
      contentType: Array.isArray(ct) ? ct[0] : ct,
      body: Buffer.concat(chunks).toString('utf8'),
      truncated,
      latencyMs,
    };
  } finally {
    await agent.destroy();
  }
}
