import { backoffMs, ProviderError, sleep, type CallContext, type SecretResolver } from '@faultline/core';

/** One HTTP request as the fault sends it (secrets already resolved; keep it in memory only). */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
}

export interface SendOptions {
  /** What the call is for, for messages: 'inject request of "disable-cache"'. */
  readonly what: string;
  /** Statuses that count as success. Default: any 2xx. */
  readonly expectStatus?: readonly number[];
  /** Timeout of each attempt. */
  readonly timeoutMs: number;
  /** Extra attempts after a network error, timeout, 429 or 5xx. */
  readonly retries: number;
  readonly initialBackoffMs?: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Headers;
}

const MAX_BODY_IN_MESSAGES = 300;

/**
 * Sends a request with a per-attempt timeout and retries on transient failures. Never follows redirects.
 * A status outside `expectStatus` throws ProviderError (retryable for 429/5xx) showing the start of the
 * body, scrubbed of secret values (servers do echo tokens back).
 */
export async function sendRequest(req: OutgoingRequest, opts: SendOptions, ctx: Pick<CallContext, 'signal' | 'secrets'>): Promise<HttpAnswer> {
  const scrub = (s: string) => scrubText(s, ctx.secrets);
  const target = `${req.method} ${req.url.origin}${req.url.pathname}`;
  let last: ProviderError | undefined;
  for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
    if (ctx.signal.aborted) throw new ProviderError(`${opts.what} (${target}) was not sent: the operation was aborted`, { cause: ctx.signal.reason });
    try {
      const answer = await once(req, opts.timeoutMs, ctx.signal);
      const ok = opts.expectStatus ? opts.expectStatus.includes(answer.status) : answer.status >= 200 && answer.status < 300;
      if (ok) return answer;
      const retryable = answer.status === 429 || answer.status >= 500;
      last = new ProviderError(
        `${opts.what} (${target}) answered ${answer.status}, expected ${opts.expectStatus ? opts.expectStatus.join(' or ') : '2xx'}: ${scrub(answer.body.slice(0, MAX_BODY_IN_MESSAGES)) || '(empty body)'}`,
        { retryable, hint: retryable ? 'The server failed; Faultline retries it.' : 'Check the method, URL, headers and body of this request, and the token it uses.' },
      );
      if (!retryable) throw last;
    } catch (err) {
      if (err instanceof ProviderError && !err.retryable) throw err;
      if (ctx.signal.aborted) throw new ProviderError(`${opts.what} (${target}) was aborted`, { cause: ctx.signal.reason });
      if (!(err instanceof ProviderError)) {
        const e = err as Error & { cause?: { code?: string } };
        const reason = e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs}ms` : `${e.cause?.code ?? e.name}: ${e.message}`;
        last = new ProviderError(`${opts.what} (${target}) failed: ${scrub(reason)}`, { retryable: true, hint: 'Is the server reachable from this process? Faultline retries it.' });
      } else {
        last = err;
      }
    }
    if (attempt <= opts.retries) await sleep(backoffMs(attempt, { initialMs: opts.initialBackoffMs ?? 200, maxMs: 5_000 }), ctx.signal).catch(() => undefined);
  }
  throw last ?? new ProviderError(`${opts.what} (${target}) failed`);
}

async function once(req: OutgoingRequest, timeoutMs: number, signal: AbortSignal): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...req.headers };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (typeof req.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const res = await fetch(req.url, {
    method: req.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: 'manual',
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
  });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

function scrubText(text: string, secrets: SecretResolver | undefined): string {
  return secrets ? secrets.scrub(text) : text;
}
