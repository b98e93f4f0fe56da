import { backoffMs, isHostAllowed, resolveSecretValues, sleep, systemClock, type Clock, type Json, type NotifySpec, type SecretResolver } from '@faultline/core';
import { genericPayload, signBody, SIGNATURE_HEADER, slackPayload, TIMESTAMP_HEADER, type RunNotice } from './payloads.js';

export interface DeliveryResult {
  readonly ok: boolean;
  readonly attempts: number;
  /** Why the last attempt failed (scrubbed of secret values). */
  readonly error?: string;
  readonly status?: number;
}

/**
 * POSTs one notice to one webhook: per-attempt timeout, `retries` extra attempts with backoff on network
 * errors, timeouts, 429 and 5xx. Never throws. The URL and HMAC key are resolved per delivery; a URL whose
 * host is outside `allowHosts` (checked after a secret-reference URL is resolved) is refused, not retried.
 */
export function deliverNotice(spec: NotifySpec, notice: RunNotice, deps: DeliveryDeps): Promise<DeliveryResult> {
  return deliverPayload(spec, { slack: slackPayload(notice), generic: genericPayload(notice) }, deps);
}

export interface DeliveryDeps {
  readonly secrets: SecretResolver;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly allowHosts?: readonly string[];
}

/** The bodies one notice takes: `slack` for slack entries, `generic` (signed) for webhook entries. */
export interface NoticePayloads {
  readonly slack: unknown;
  readonly generic: unknown;
}

/**
 * The one webhook sender (run notices, game-day notices): same timeouts, retries, signing, allow-list and
 * secret handling for every caller; only the body differs. Never throws.
 */
export async function deliverPayload(
  spec: Pick<NotifySpec<string>, 'kind' | 'url' | 'secret' | 'timeoutMs' | 'retries'>, payloads: NoticePayloads, deps: DeliveryDeps,
): Promise<DeliveryResult> {
  const clock = deps.clock ?? systemClock;
  const signal = deps.signal ?? new AbortController().signal;
  let lastError = 'not attempted';
  let lastStatus: number | undefined;
  let attempts = 0;
  for (let attempt = 1; attempt <= spec.retries + 1; attempt++) {
    attempts = attempt;
    try {
      const url = String(await resolveSecretValues(spec.url as Json, deps.secrets, signal));
      const host = hostOf(url);
      if (host !== undefined && !isHostAllowed(host, deps.allowHosts)) {
        lastError = `host "${host}" is not in the allowHosts setting (allowed: ${deps.allowHosts?.join(', ') || 'none'}); ask an operator to add it (--allow-host)`;
        break;
      }
      const body = JSON.stringify(spec.kind === 'slack' ? payloads.slack : payloads.generic);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'faultline-notify/0.1' };
      if (spec.kind === 'webhook' && spec.secret) {
        const key = await deps.secrets.resolve(spec.secret.secretRef, signal);
        const ts = Math.floor(clock.now().getTime() / 1000);
        headers[TIMESTAMP_HEADER] = String(ts);
        headers[SIGNATURE_HEADER] = signBody(key, ts, body);
      }
      const { res, text } = await postWithTimeout(url, { method: 'POST', headers, body, redirect: 'manual' }, spec.timeoutMs, signal);
      if (res.status >= 200 && res.status < 300) return { ok: true, attempts, status: res.status };
      lastStatus = res.status;
      lastError = `answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      if (res.status < 500 && res.status !== 429) break; // a 4xx will not get better
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      lastError = e.name === 'TimeoutError' ? `no answer within ${spec.timeoutMs}ms` : e.cause?.code ? `${e.cause.code}` : e.message;
    }
    if (attempt <= spec.retries) await sleep(backoffMs(attempt, { initialMs: 200, maxMs: 2_000 }), signal).catch(() => undefined);
  }
  return { ok: false, attempts, error: deps.secrets.scrub(lastError), ...(lastStatus !== undefined ? { status: lastStatus } : {}) };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined; // fetch reports the malformed URL
  }
}

/**
 * fetch with a per-attempt deadline held by a plain timer (strongly referenced until the attempt settles):
 * on Node 20, `AbortSignal.any([..., AbortSignal.timeout()])` can be garbage-collected with its timer while
 * fetch waits on a server that never answers, and the attempt then never ends. Rejects with a
 * `TimeoutError` at the deadline, or with the caller's abort reason.
 */
async function postWithTimeout(url: string, init: RequestInit, timeoutMs: number, signal: AbortSignal): Promise<{ res: Response; text: string }> {
  const attempt = new AbortController();
  const timer = setTimeout(() => attempt.abort(new DOMException(`no answer within ${timeoutMs}ms`, 'TimeoutError')), timeoutMs);
  const onAbort = () => attempt.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await fetch(url, { ...init, signal: attempt.signal });
    const text = await res.text().catch(() => '');
    return { res, text };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
