import { backoffMs, isHostAllowed, silentLogger, sleep, type GrafanaAnnotationSpec, type JournalEvent, type JournalEventBody, type Logger, type SecretResolver } from '@faultline/core';

export interface GrafanaAnnotatorOptions {
  readonly specs: readonly GrafanaAnnotationSpec[];
  readonly experiment: string;
  readonly secrets: SecretResolver;
  /** Reports failed calls in the run (a journal note). Must not throw. */
  readonly report: (body: JournalEventBody) => Promise<void>;
  readonly log?: Logger;
  /** Hosts Grafana calls may go to (the controller's --allow-host list); undefined allows any. */
  readonly allowHosts?: readonly string[];
  /** Extra attempts after a network error, a timeout, 429 or 5xx (not after other 4xx). Default 2. */
  readonly retries?: number;
  /** Backoff between attempts (doubling, jittered). Default 200 ms up to 2 s. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

const DEFAULT_RETRIES = 2;
const DEFAULT_BACKOFF = { initialMs: 200, maxMs: 2_000 } as const;

interface Window {
  readonly fault: string;
  readonly target: string;
  readonly start: number;
  /** Per Grafana: the id Grafana gave the annotation (after POST). Chains keep POST before PATCH. */
  readonly chain: Map<string, Promise<number | undefined>>;
  closed: boolean;
}

/**
 * One Grafana region annotation per fault window: POST /api/annotations when a fault is injected on a target
 * (time = timeEnd = inject time), PATCH /api/annotations/:id with timeEnd when it is reverted (or at the
 * verdict, marked "not reverted", when it is still pending). Runs in the background like notifications:
 * Grafana being down never delays a revert; each call gets a bounded retry with backoff (network errors,
 * timeouts, 429, 5xx), and a call that still fails becomes a journal note.
 */
export class GrafanaAnnotator {
  private readonly windows = new Map<string, Window>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly targetNames = new Map<string, string>();
  private faultTypes = new Map<string, string>();
  private readonly log: Logger;

  constructor(private readonly opts: GrafanaAnnotatorOptions) {
    this.log = opts.log ?? silentLogger;
  }

  observe(e: JournalEvent): void {
    if (e.type === 'fault-injecting') {
      this.targetNames.set(e.target.id, e.target.name);
      this.faultTypes.set(e.fault, e.faultType);
    } else if (e.type === 'fault-injected') {
      const key = `${e.fault}\u0000${e.targetId}`;
      if (this.windows.has(key)) return;
      const w: Window = { fault: e.fault, target: this.targetNames.get(e.targetId) ?? e.targetId, start: Date.parse(e.at), chain: new Map(), closed: false };
      this.windows.set(key, w);
      for (const spec of this.opts.specs) this.track(w, spec, this.post(spec, e.runId, w));
    } else if (e.type === 'fault-reverted') {
      const w = this.windows.get(`${e.fault}\u0000${e.targetId}`);
      if (!w || w.closed) return;
      w.closed = true;
      for (const spec of this.opts.specs) this.track(w, spec, this.patch(spec, e.runId, w, { timeEnd: Date.parse(e.at) }));
    } else if (e.type === 'verdict') {
      for (const w of this.windows.values()) {
        if (w.closed) continue;
        w.closed = true;
        for (const spec of this.opts.specs) {
          this.track(w, spec, this.patch(spec, e.runId, w, { timeEnd: Date.parse(e.at), text: `${this.text(w)} (NOT reverted: ${e.outcome})` }));
        }
      }
    }
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private text(w: Window): string {
    return `Faultline: ${w.fault} (${this.faultTypes.get(w.fault) ?? 'fault'}) on ${w.target} in ${this.opts.experiment}`;
  }

  private track(w: Window, spec: GrafanaAnnotationSpec, step: (prev: number | undefined) => Promise<number | undefined>): void {
    const prev = w.chain.get(spec.name) ?? Promise.resolve(undefined);
    const next = prev.then(step).catch(() => undefined);
    w.chain.set(spec.name, next);
    this.pending.add(next);
    void next.finally(() => this.pending.delete(next));
  }

  private post(spec: GrafanaAnnotationSpec, runId: string, w: Window) {
    return async (): Promise<number | undefined> => {
      const body = {
        time: w.start, timeEnd: w.start, text: this.text(w),
        tags: ['faultline', `experiment:${this.opts.experiment}`, `run:${runId}`, `fault:${w.fault}`, ...spec.tags],
        ...(spec.dashboardUID ? { dashboardUID: spec.dashboardUID } : {}),
        ...(spec.panelId !== undefined ? { panelId: spec.panelId } : {}),
      };
      const res = await this.call(spec, runId, 'POST', '/api/annotations', body, `annotating "${w.fault}" on ${w.target}`);
      const id = (res as { id?: unknown } | undefined)?.id;
      return typeof id === 'number' ? id : undefined;
    };
  }

  private patch(spec: GrafanaAnnotationSpec, runId: string, w: Window, fields: { timeEnd: number; text?: string }) {
    return async (id: number | undefined): Promise<number | undefined> => {
      if (id === undefined) return undefined; // the POST failed and was reported
      await this.call(spec, runId, 'PATCH', `/api/annotations/${id}`, fields, `closing the annotation of "${w.fault}" on ${w.target}`);
      return id;
    };
  }

  private async call(spec: GrafanaAnnotationSpec, runId: string, method: string, path: string, body: unknown, what: string): Promise<unknown> {
    const retries = this.opts.retries ?? DEFAULT_RETRIES;
    const backoff = this.opts.backoff ?? DEFAULT_BACKOFF;
    let problem = 'not attempted';
    let attempts = 0;
    const host = URL.canParse(spec.url) ? new URL(spec.url).hostname : spec.url;
    const refused = !isHostAllowed(host, this.opts.allowHosts);
    if (refused) problem = `host "${host}" is not in the allowHosts setting (allowed: ${this.opts.allowHosts?.join(', ') || 'none'}); ask an operator to add it (--allow-host)`;
    for (let attempt = 1; !refused && attempt <= retries + 1; attempt++) {
      attempts = attempt;
      const answer = await this.attempt(spec, method, path, body);
      if (answer.ok) return answer.value;
      problem = answer.problem;
      if (!answer.retryable) break;
      if (attempt <= retries) await sleep(backoffMs(attempt, backoff));
    }
    const after = attempts > 1 ? ` after ${attempts} attempts` : '';
    const message = this.opts.secrets.scrub(`annotations "${spec.name}": ${what} failed${after}: ${problem}`);
    this.log.warn({ runId, grafana: spec.name }, message);
    await this.opts.report({ type: 'note', message, data: { annotations: spec.name, delivered: false, attempts } });
    throw new Error(message);
  }

  /** One call. Retryable: no answer, a timeout, a secret that could not be read, 429 or 5xx. */
  private async attempt(spec: GrafanaAnnotationSpec, method: string, path: string, body: unknown): Promise<{ ok: true; value: unknown } | { ok: false; problem: string; retryable: boolean }> {
    try {
      const token = await this.opts.secrets.resolve(spec.token.secretRef, new AbortController().signal);
      const res = await fetch(`${spec.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(spec.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) {
        try {
          return { ok: true, value: text ? (JSON.parse(text) as unknown) : undefined };
        } catch {
          // Not retried: the call may have taken effect (a second POST would add a second region).
          return { ok: false, problem: `Grafana answered ${res.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`, retryable: false };
        }
      }
      let message = text.slice(0, 200);
      try {
        message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
      } catch { /* not JSON */ }
      return { ok: false, problem: `Grafana answered ${res.status}: ${message}`, retryable: res.status === 429 || res.status >= 500 };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { ok: false, problem: e.name === 'TimeoutError' ? `no answer within ${spec.timeoutMs}ms` : (e.cause?.code ?? e.message), retryable: true };
    }
  }
}
