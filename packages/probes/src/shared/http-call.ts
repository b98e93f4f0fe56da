import http from 'node:http';
import https from 'node:https';
import { systemClock } from '@faultline/core';

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
 * Node's own http client with `agent: false` is used rather than an undici Agent per call: same
 * semantics, a fraction of the CPU (1,000 guards ticking every second is a design goal).
 * Foreign errors propagate; callers wrap them.
 */
export function httpCall(opts: HttpCallOptions): Promise<HttpCallResult> {
  const started = systemClock.monotonic();
  const client = opts.url.protocol === 'https:' ? https : http;
  return new Promise<HttpCallResult>((resolve, reject) => {
    let phase: 'headers' | 'body' = 'headers';
    const req = client.request(opts.url, {
      method: opts.method,
      headers: { ...opts.headers, connection: 'close' },
      agent: false,
      rejectUnauthorized: !opts.insecureTls,
      signal: opts.signal,
      timeout: opts.timeoutMs,
    }, (res) => {
      phase = 'body';
      const chunks: Buffer[] = [];
      let stored = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        const room = opts.maxBodyBytes - stored;
        if (room <= 0) {
          truncated ||= chunk.length > 0;
          return;
        }
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        stored += Math.min(chunk.length, room);
        if (chunk.length > room) truncated = true;
      });
      res.on('end', () => {
        const ct = res.headers['content-type'];
        resolve({
          status: res.statusCode ?? 0,
          contentType: Array.isArray(ct) ? ct[0] : ct,
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
          latencyMs: systemClock.monotonic() - started,
        });
      });
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('connection closed before the body ended'), { code: 'ECONNRESET' })));
    });
    // `timeout` is socket inactivity: no connect, no headers or a stalled body within timeoutMs.
    req.on('timeout', () => {
      req.destroy(Object.assign(new Error(phase === 'headers' ? 'no response headers in time' : 'response body stalled'), {
        code: phase === 'headers' ? 'ERR_PROBE_HEADERS_TIMEOUT' : 'ERR_PROBE_BODY_TIMEOUT',
      }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
