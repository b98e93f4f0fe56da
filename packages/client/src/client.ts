import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { backoffMs, ProviderError, sleep, TimeoutError, withTimeout, type JournalEvent } from '@faultline/core';
import { errorFromResponse } from './errors.js';
import type { ForgottenRunView, RunView, SubmitRunInput, HaltView, RunListQuery } from './types.js';

export interface ClientOptions {
  /** Controller base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  token?: string;
  /** Per-call timeout (default 10 s). */
  timeoutMs?: number;
  /** Attempts for retryable failures: connection errors, 5xx, 429 (default 6). */
  attempts?: number;
  /** Backoff bounds between attempts. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Typed client for the controller REST API. Every call has a timeout; connection errors, 5xx and 429
 * are retried with exponential backoff and jitter. `submitRun` always sends the same Idempotency-Key
 * for one submission, so a retry can never start a second run.
 */
export class FaultlineClient {
  private readonly base: string;
  constructor(private readonly opts: ClientOptions) {
    this.base = opts.baseUrl.replace(/\/$/, '');
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { accept: 'application/json', ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}), ...extra };
  }

  /** One HTTP call with retries. Resolves the parsed body (or text for non-JSON). */
  async call<T>(method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal; raw?: boolean } = {}): Promise<T> {
    const attempts = this.opts.attempts ?? 6;
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const what = `${method} ${path}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await withTimeout(what, timeoutMs, async (signal) => {
          let res;
          try {
            res = await request(`${this.base}${path}`, {
              method: method as 'GET',
              signal,
              headers: this.headers({ ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers }),
              ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
              headersTimeout: timeoutMs,
              bodyTimeout: timeoutMs,
            });
          } catch (err) {
            if (signal.aborted) throw signal.reason;
            throw new ProviderError(`cannot reach the Faultline controller at ${this.base} (${(err as Error).message})`, { cause: err, retryable: true, hint: 'is `faultline server` running there, and is the URL right?' });
          }
          const text = await res.body.text();
          const json = text && /json/.test(String(res.headers['content-type'])) ? JSON.parse(text) : undefined;
          if (res.statusCode >= 400) throw errorFromResponse(res.statusCode, json, what);
          return (init.raw ? text : json ?? text) as T;
        }, init.signal);
      } catch (err) {
        const retryable = (err as { retryable?: boolean }).retryable === true || err instanceof TimeoutError;
        if (!retryable || attempt >= attempts || init.signal?.aborted) throw err;
        await sleep(backoffMs(attempt, { initialMs: this.opts.initialBackoffMs ?? 250, maxMs: this.opts.maxBackoffMs ?? 5000 }), init.signal);
      }
    }
  }

  /** Starts a run. `idempotencyKey` defaults to a fresh UUID, reused for every retry of this call. */
  submitRun(input: SubmitRunInput): Promise<{ run: RunView; created: boolean }> {
    const { idempotencyKey = randomUUID(), ...body } = input;
    return this.call('POST', '/v1/runs', { body, headers: { 'idempotency-key': idempotencyKey } });
  }
  getRun(runId: string): Promise<RunView> {
    return this.call('GET', `/v1/runs/${encodeURIComponent(runId)}`);
  }
  listRuns(q: RunListQuery = {}): Promise<{ runs: RunView[]; nextCursor?: string }> {
    const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string]));
    return this.call('GET', `/v1/runs${qs.size ? `?${qs}` : ''}`);
  }
  abortRun(runId: string, reason?: string): Promise<RunView> {
    return this.call('POST', `/v1/runs/${encodeURIComponent(runId)}/abort`, { body: reason ? { reason } : {} });
  }
  /** Acknowledges a run whose backend is gone for good (admin scope); 409 while its owner's lease is alive. */
  forgetRun(runId: string, reason: string): Promise<{ forgotten: ForgottenRunView; run: RunView }> {
    return this.call('POST', `/v1/runs/${encodeURIComponent(runId)}/forget`, { body: { reason } });
  }
  report(runId: string, format: 'json' | 'junit' | 'html'): Promise<string> {
    return this.call('GET', `/v1/runs/${encodeURIComponent(runId)}/report?format=${format}`, { raw: true });
  }
  putExperiment(definition: string): Promise<{ name: string; version: number }> {
    return this.call('POST', '/v1/experiments', { body: { definition } });
  }
  halt(reason?: string): Promise<HaltView> {
    return this.call('POST', '/v1/halt', { body: reason ? { reason } : {} });
  }
  resume(): Promise<HaltView> {
    return this.call('DELETE', '/v1/halt');
  }
  getHalt(): Promise<HaltView> {
    return this.call('GET', '/v1/halt');
  }

  /**
   * The run's journal as a live stream (SSE). Survives controller restarts and network errors: it
   * reconnects with Last-Event-ID and never yields an event twice. Ends after the run's verdict.
   */
  async *events(runId: string, opts: { after?: number; signal?: AbortSignal; onReconnect?: (attempt: number, err: unknown) => void } = {}): AsyncGenerator<JournalEvent> {
    let last = opts.after ?? 0;
    let failures = 0;
    for (;;) {
      if (opts.signal?.aborted) return;
      let finished = false;
      try {
        const res = await request(`${this.base}/v1/runs/${encodeURIComponent(runId)}/events`, {
          headers: this.headers({ accept: 'text/event-stream', 'last-event-id': String(last) }),
          ...(opts.signal ? { signal: opts.signal } : {}),
          headersTimeout: this.opts.timeoutMs ?? 10_000,
          bodyTimeout: 60_000, // the server sends a keep-alive comment every 15 s
        });
        if (res.statusCode >= 400) {
          const text = await res.body.text();
          const err = errorFromResponse(res.statusCode, text ? JSON.parse(text) : undefined, `GET /v1/runs/${runId}/events`);
          if (res.statusCode < 500) throw Object.assign(err, { fatal: true });
          throw err;
        }
        let buffer = '';
        for await (const chunk of res.body) {
          buffer += chunk.toString('utf8');
          let idx: number;
          while ((idx = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, idx);
            buffer = buffer.slice(idx + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (!data) continue;
            const event = JSON.parse(data) as JournalEvent;
            if (event.seq <= last) continue;
            last = event.seq;
            failures = 0;
            yield event;
            if (event.type === 'verdict' && event.outcome !== 'revert-pending') finished = true;
          }
        }
        if (finished) return;
        const run = await this.getRun(runId);
        if (run.phase === 'finished') return;
      } catch (err) {
        if ((err as { fatal?: boolean }).fatal || opts.signal?.aborted) throw err;
        failures++;
        opts.onReconnect?.(failures, err);
        await sleep(backoffMs(failures, { initialMs: this.opts.initialBackoffMs ?? 250, maxMs: this.opts.maxBackoffMs ?? 5000 }), opts.signal).catch(() => undefined);
      }
    }
  }
}
