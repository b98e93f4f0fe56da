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
export async function deliverNotice(
  spec: NotifySpec, notice: RunNotice, deps: { secrets: SecretResolver; clock?: Clock; signal?: AbortSignal; allowHosts?: readonly string[] },
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
      const body = JSON.stringify(spec.kind === 'slack' ? slackPayload(notice) : genericPayload(notice));
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'faultline-notify/0.1' };
      if (spec.kind === 'webhook' && spec.secret) {
        const key = await deps.secrets.resolve(spec.secret.secretRef, signal);
        const ts = Math.floor(clock.now().getTime() / 1000);
        headers[TIMESTAMP_HEADER] = String(ts);
        headers[SIGNATURE_HEADER] = signBody(key, ts, body);
      }
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([signal, AbortSignal.timeout(spec.timeoutMs)]) });
      const text = await res.text().catch(() => '');
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
