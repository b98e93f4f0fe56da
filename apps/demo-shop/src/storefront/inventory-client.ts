import { Agent, request } from 'undici';
import { backoffMs, sleep } from '@faultline/core';
import type { Item } from '../inventory/catalog.js';
import type { StorefrontPolicy } from './variants.js';

/** What one lookup came to after all attempts. */
export type Lookup =
  | { readonly kind: 'found'; readonly item: Item }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'failed'; readonly reason: string; readonly timedOut: boolean };

/**
 * Calls inventory with the policy's per-attempt timeout and retries. `signal` is the request's
 * budget (deadline or client gone): when it fires no further attempt starts. Every attempt that is
 * abandoned for time calls onTimeout().
 */
export class InventoryClient {
  private readonly agent = new Agent({ connections: 128, keepAliveTimeout: 4_000 });
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly policy: StorefrontPolicy,
    private readonly hooks: { onTimeout: () => void; random?: () => number },
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  async lookup(sku: string, signal: AbortSignal): Promise<Lookup> {
    let last: Lookup = { kind: 'failed', reason: 'no attempt made', timedOut: false };
    for (let attempt = 0; attempt <= this.policy.retries; attempt++) {
      if (attempt > 0) {
        const wait = backoffMs(attempt, { initialMs: this.policy.retryBackoffMs, maxMs: this.policy.retryBackoffMs * 4, ...(this.hooks.random ? { random: this.hooks.random } : {}) });
        try {
          await sleep(wait, signal);
        } catch {
          return last;
        }
      }
      last = await this.attempt(sku, signal);
      if (last.kind !== 'failed' || signal.aborted) return last;
    }
    return last;
  }

  private async attempt(sku: string, budget: AbortSignal): Promise<Lookup> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('upstream timeout')), this.policy.upstreamTimeoutMs);
    const signal = AbortSignal.any([budget, timeout.signal]);
    try {
      const res = await request(`${this.base}/items/${encodeURIComponent(sku)}`, { dispatcher: this.agent, signal });
      const text = await res.body.text();
      if (res.statusCode === 200) return { kind: 'found', item: JSON.parse(text) as Item };
      if (res.statusCode === 404) return { kind: 'not-found' };
      return { kind: 'failed', reason: `inventory answered ${res.statusCode}`, timedOut: false };
    } catch (err) {
      if (timeout.signal.aborted || budget.aborted) {
        this.hooks.onTimeout();
        const why = timeout.signal.aborted ? `no answer within ${this.policy.upstreamTimeoutMs}ms` : 'request budget exhausted';
        return { kind: 'failed', reason: `inventory timed out (${why})`, timedOut: true };
      }
      const code = (err as { code?: string }).code;
      return { kind: 'failed', reason: `inventory unreachable: ${(err as Error).message}${code ? ` (${code})` : ''}`, timedOut: false };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }
}
