import {
  ApiException, AppsV1Api, CoreV1Api, NetworkingV1Api, Observable, type ConfigurationOptions, type KubeConfig, type ObservableMiddleware,
  type RequestContext, type ResponseContext,
} from '@kubernetes/client-node';
import { setMaxListeners } from 'node:events';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { backoffMs, FaultlineError, ProviderError, sleep, TimeoutError, withTimeout, type CallContext } from '@faultline/core';
import { describeRequest, KubeRequestError, type RequestInfo } from './errors.js';
import { Limiter, type LimiterStats } from './limiter.js';
import { rbacFile, type PermissionSubject } from '../rbac/permissions.js';

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

/** Options for each request; the typed client methods take them as their last argument. */
export type RequestOptions = ConfigurationOptions<ObservableMiddleware>;

export interface KubeApiOptions {
  readonly kubeConfig: KubeConfig;
  /** Where the configuration came from, for error messages. */
  readonly source: string;
  /** Upper bound for one HTTP request (each retry gets its own). */
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  /** Attempts for retryable failures (429, 5xx, network errors, timeouts). Default 4. */
  readonly maxAttempts?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNABORTED']);

interface StatusBody {
  message?: string;
  reason?: string;
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  return (body ?? {}) as StatusBody;
}

/**
 * The one way the provider talks to Kubernetes: typed clients from @kubernetes/client-node, every request
 * bounded by a timeout and the shared concurrency limit, 429/5xx/network failures retried with backoff,
 * and failures turned into ProviderErrors that say what was attempted and how to fix it.
 */
export class KubeApi {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly networking: NetworkingV1Api;
  private readonly limiter: Limiter;
  private readonly agents = new Map<string, HttpAgent>();
  private readonly derived = new WeakMap<AbortSignal, AbortSignal>();

  constructor(private readonly opts: KubeApiOptions) {
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.apps = opts.kubeConfig.makeApiClient(AppsV1Api);
    this.networking = opts.kubeConfig.makeApiClient(NetworkingV1Api);
    this.limiter = new Limiter(opts.maxConcurrency);
  }

  get stats(): LimiterStats {
    return this.limiter.stats;
  }

  /** A caller that attributes its requests (User-Agent, RBAC hints) to one part of the provider. */
  as(subject: PermissionSubject): KubeCaller {
    return new KubeCaller(this, subject);
  }

  /** @internal used by KubeCaller. */
  async request<T>(subject: PermissionSubject, info: RequestInfo, ctx: CallContext, fn: (o: RequestOptions) => Promise<T>, contentType?: string): Promise<T> {
    const maxAttempts = this.opts.maxAttempts ?? 4;
    const timeoutMs = Math.max(1, Math.min(this.opts.timeoutMs, ctx.timeoutMs));
    const what = `Kubernetes ${describeRequest(info)}`;
    const signal = this.fanOut(ctx.signal);
    for (let attempt = 1; ; attempt++) {
      if (ctx.signal.aborted) {
        throw new ProviderError(`${what} was not sent: the operation was aborted`, { cause: ctx.signal.reason });
      }
      let failure: FaultlineError;
      let retryAfterMs: number | undefined;
      try {
        return await this.limiter.run(
          () => withTimeout(what, timeoutMs, (signal) => fn(requestOptions({
            signal, userAgent: `faultline/0.1 (${subject})`, shareAgent: (a) => this.shared(a), ...(contentType ? { contentType } : {}),
          })), signal),
          signal,
        );
      } catch (err) {
        if (ctx.signal.aborted) throw new ProviderError(`${what} was aborted`, { cause: err });
        failure = this.toError(subject, info, err);
        if (err instanceof ApiException && err.code === 429) {
          const header = Number((err.headers as Record<string, string>)['retry-after']);
          if (Number.isFinite(header) && header >= 0) retryAfterMs = header * 1000;
        }
      }
      const retryable = failure.retryable && !(failure instanceof KubeRequestError && failure.status === 409);
      if (!retryable || attempt >= maxAttempts) throw failure;
      const wait = Math.min(
        retryAfterMs ?? backoffMs(attempt, { initialMs: this.opts.initialBackoffMs ?? 100, maxMs: this.opts.maxBackoffMs ?? 2_000 }),
        this.opts.maxBackoffMs ?? 2_000,
      );
      ctx.log.debug({ attempt, waitMs: wait, error: failure.message }, 'retrying Kubernetes request');
      try {
        await sleep(wait, signal);
      } catch (err) {
        throw new ProviderError(`${what} was aborted while waiting to retry after: ${failure.message}`, { cause: err });
      }
    }
  }

  /**
   * One listener on the caller's signal, fanned out to every request made under it: hundreds of concurrent
   * requests (a 1,000-pod kill) would otherwise each add a listener to the same signal.
   */
  private fanOut(parent: AbortSignal): AbortSignal {
    let child = this.derived.get(parent);
    if (!child) {
      const ctl = new AbortController();
      setMaxListeners(0, ctl.signal);
      if (parent.aborted) ctl.abort(parent.reason);
      else parent.addEventListener('abort', () => ctl.abort(parent.reason), { once: true });
      child = ctl.signal;
      this.derived.set(parent, child);
    }
    return child;
  }

  /**
   * @kubernetes/client-node builds a new Agent for every request, which means a new TCP connection (and TLS
   * handshake) each time. Requests with the same TLS settings share one keep-alive agent instead.
   */
  private shared(agent: HttpAgent | HttpsAgent | undefined): HttpAgent | HttpsAgent | undefined {
    if (!agent || (agent.constructor !== HttpAgent && agent.constructor !== HttpsAgent)) return agent; // proxies: leave as built
    const o = (agent as unknown as { options: Record<string, unknown> }).options ?? {};
    const tls = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'].map((k) => String(o[k] ?? ''));
    const key = `${agent instanceof HttpsAgent ? 'https' : 'http'}|${tls.join('|')}`;
    let shared = this.agents.get(key);
    if (!shared) {
      // noDelay: client-node writes headers and body separately; with Nagle each request waits for a delayed ACK (~40 ms).
      const options = { ...o, keepAlive: true, noDelay: true, maxSockets: this.opts.maxConcurrency };
      shared = agent instanceof HttpsAgent ? new HttpsAgent(options) : new HttpAgent(options);
      this.agents.set(key, shared);
    }
    agent.destroy();
    return shared;
  }

  /** Closes pooled connections (tests, short-lived tools); later requests open new ones. */
  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  private toError(subject: PermissionSubject, info: RequestInfo, err: unknown): FaultlineError {
    const what = `Kubernetes ${describeRequest(info)}`;
    if (err instanceof TimeoutError) return err;
    if (err instanceof ApiException) {
      const status = parseStatus(err.body);
      const code = err.code;
      const reason = status.reason ?? String(code);
      const message = status.message ?? 'no message';
      if (code === 403) {
        const scope = info.namespace ? `in namespace ${info.namespace}` : 'at cluster scope';
        const file = rbacFile(info.resource === 'namespaces' ? 'resolver' : subject);
        return new KubeRequestError({
          message: `forbidden: needs \`${info.verb}\` on \`${info.group ? `${info.resource}.${info.group}` : info.resource}\` ${scope}; apply ${file} (server said: ${message})`,
          status: code, reason, request: info, retryable: false, hint: `kubectl apply -f ${file} and bind it to Faultline's service account`, cause: err,
        });
      }
      if (code === 401) {
        return new KubeRequestError({
          message: `${what} was rejected as unauthenticated (401): the credentials from ${this.opts.source} are missing, expired or wrong`,
          status: code, reason, request: info, retryable: false, hint: 'refresh the kubeconfig credentials (kubectl get pods should work)', cause: err,
        });
      }
      return new KubeRequestError({
        message: `${what} failed with ${code} ${reason}: ${message}`,
        status: code, reason, request: info, retryable: RETRYABLE_STATUS.has(code) || code === 409, cause: err,
      });
    }
    const e = err as { code?: string; name?: string; message?: string; errno?: string };
    const netCode = e.code ?? e.errno;
    if ((netCode && NETWORK_CODES.has(netCode)) || e.name === 'FetchError') {
      const server = this.opts.kubeConfig.getCurrentCluster()?.server;
      return new ProviderError(`${what} could not reach the API server${server ? ` at ${server}` : ''} (${netCode ?? e.message}) configured in ${this.opts.source}`, {
        cause: err, retryable: true, hint: 'check that the cluster is up and the kubeconfig server URL is right',
      });
    }
    if (err instanceof FaultlineError) return err;
    return new ProviderError(`${what} failed: ${e.message ?? String(err)}`, { cause: err, retryable: false });
  }
}

function requestOptions(o: { signal: AbortSignal; userAgent: string; contentType?: string; shareAgent: (a: HttpAgent | HttpsAgent | undefined) => HttpAgent | HttpsAgent | undefined }): RequestOptions {
  // The object-parameter API hands options straight to the observable layer, so this is an observable middleware.
  const middleware: ObservableMiddleware = {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(o.signal);
      const agent = o.shareAgent(ctx.getAgent());
      if (agent) ctx.setAgent(agent);
      ctx.setHeaderParam('User-Agent', o.userAgent);
      if (o.contentType) ctx.setHeaderParam('Content-Type', o.contentType);
      return new Observable(Promise.resolve(ctx));
    },
    post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** Makes requests on behalf of one subject (a fault type, the resolver, the probe or the sweeper). */
export class KubeCaller {
  constructor(private readonly api: KubeApi, readonly subject: PermissionSubject) {}

  get core(): CoreV1Api {
    return this.api.core;
  }
  get apps(): AppsV1Api {
    return this.api.apps;
  }
  get networking(): NetworkingV1Api {
    return this.api.networking;
  }

  /** Runs one typed client call with timeout, retries and error mapping. */
  call<T>(info: RequestInfo, ctx: CallContext, fn: (o: RequestOptions) => Promise<T>, opts: { contentType?: string } = {}): Promise<T> {
    return this.api.request(this.subject, info, ctx, fn, opts.contentType);
  }

  /** Like call, but a 404 resolves to undefined. */
  async find<T>(info: RequestInfo, ctx: CallContext, fn: (o: RequestOptions) => Promise<T>, opts: { contentType?: string } = {}): Promise<T | undefined> {
    try {
      return await this.call(info, ctx, fn, opts);
    } catch (err) {
      if (err instanceof KubeRequestError && err.status === 404) return undefined;
      throw err;
    }
  }
}
