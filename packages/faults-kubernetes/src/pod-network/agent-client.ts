import { request } from 'node:https';
import { ProviderError, backoffMs, sleep, type CallContext } from '@faultline/core';
import type { AgentErrorBody } from '@faultline/netns';

/** The controller's side of the agent's mutual TLS (files from `faultline-agent pki --out DIR`). */
export interface AgentTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface AgentResponse<T> {
  readonly status: number;
  readonly body: T | AgentErrorBody;
}

/** A transport failure or a 5xx/429: worth another try. */
const retryableStatus = (s: number) => s === 429 || s >= 500;

/**
 * HTTPS + mTLS calls to node agents. Every call is bounded by a timeout (and the caller's signal); the
 * server certificate is checked against `serverName` (one certificate serves every node: agents are
 * dialled by pod IP, which no certificate can list), never against the address dialled.
 */
export class AgentClient {
  constructor(private readonly opts: { tls: AgentTls; serverName: string; timeoutMs: number }) {}

  /** One call; transport errors throw ProviderError (retryable), HTTP statuses are returned. */
  once<T>(endpoint: string, method: string, path: string, body: unknown, ctx: Pick<CallContext, 'signal' | 'timeoutMs'>): Promise<AgentResponse<T>> {
    const [host, port] = splitEndpoint(endpoint);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const timeoutMs = Math.min(this.opts.timeoutMs, ctx.timeoutMs || this.opts.timeoutMs);
    return new Promise((resolve, reject) => {
      if (ctx.signal.aborted) return reject(ctx.signal.reason);
      const req = request({
        host, port, method, path, ca: this.opts.tls.caPem, cert: this.opts.tls.certPem, key: this.opts.tls.keyPem,
        servername: this.opts.serverName, timeout: timeoutMs, signal: ctx.signal, agent: false,
        headers: { accept: 'application/json', ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}) },
      }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { data += d; });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: (data ? JSON.parse(data) : {}) as T | AgentErrorBody });
          } catch {
            reject(new ProviderError(`agent ${endpoint} answered ${method} ${path} with ${res.statusCode} and a body that is not JSON`, { retryable: true }));
          }
        });
        res.on('error', (err) => reject(transportError(endpoint, method, path, err)));
      });
      const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
      req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
      req.once('error', (err) => reject(transportError(endpoint, method, path, err)));
      req.once('close', () => clearTimeout(deadline));
      req.end(text);
    });
  }

  /** Like once, retrying transport errors and 429/5xx with backoff (`attempts` in total). */
  async call<T>(endpoint: string, method: string, path: string, body: unknown, ctx: Pick<CallContext, 'signal' | 'timeoutMs'>, attempts = 4): Promise<AgentResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.once<T>(endpoint, method, path, body, ctx);
        if (!retryableStatus(res.status) || attempt >= attempts) return res;
      } catch (err) {
        if (attempt >= attempts || ctx.signal.aborted) throw err;
      }
      await sleep(backoffMs(attempt, { initialMs: 200, maxMs: 3_000 }), ctx.signal);
    }
  }
}

function splitEndpoint(endpoint: string): [string, number] {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(endpoint);
  if (!m) throw new ProviderError(`agent endpoint "${endpoint}" is not host:port`, { hint: 'write agent endpoints as 10.0.3.7:9443' });
  return [m[1] as string, Number(m[2])];
}

function transportError(endpoint: string, method: string, path: string, err: Error): ProviderError {
  const tlsHint = /certificate|self.signed|ssl|tls|alert/i.test(err.message)
    ? 'the agent certificate must be issued by the configured CA for the configured serverName, and the client certificate by the agent CA (faultline-agent pki)'
    : 'is the faultline-agent DaemonSet running on that node, and may the controller reach its pod IP (NetworkPolicy)?';
  return new ProviderError(`node agent ${endpoint}: ${method} ${path} failed: ${err.message}`, { retryable: true, cause: err, hint: tlsHint });
}

/** The agent's error message, for errors. */
export function agentMessage(body: unknown): string {
  const b = (body ?? {}) as AgentErrorBody;
  return [b.message ?? b.error ?? JSON.stringify(body).slice(0, 200), ...(b.problems ?? [])].filter(Boolean).join('; ');
}
