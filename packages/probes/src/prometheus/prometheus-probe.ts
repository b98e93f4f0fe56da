import { Type, type Static } from '@sinclair/typebox';
import {
  DurationString, ProbeError, SecretRefSchema, parseDuration, type CallContext, type StringOrSecret, type Json, type Observation, type Probe,
} from '@faultline/core';
import { assertHostAllowed, type AllowHosts } from '../shared/allow-hosts.js';
import { bounded, effectiveTimeoutMs, networkReason } from '../shared/bounded.js';
import { CredentialSchema, resolveCredential, resolveHeaderValues } from '../shared/credentials.js';
import { httpCall } from '../shared/http-call.js';
import { redactUrl } from '../shared/redact.js';
import { REDUCERS, reduceQueryResult, type Reducer } from './prometheus-result.js';

/** Instant-query answers are small; anything bigger is not a Prometheus answer we can use. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const prometheusProbeParams = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'Prometheus base URL, e.g. http://127.0.0.1:9090 (a path prefix such as /prometheus is kept).' }),
    query: Type.String({ minLength: 1, description: 'PromQL instant query, e.g. sum(rate(errors_total[1m])) / sum(rate(requests_total[1m])).' }),
    reduce: Type.Optional(
      Type.Union(REDUCERS.map((r) => Type.Literal(r)), {
        description: 'How to reduce a vector of several series to one value. Without it, more than one series is an error.',
      }),
    ),
    bearerToken: Type.Optional(
      Type.Unsafe<StringOrSecret>(
        Type.Union([Type.String({ minLength: 1 }), SecretRefSchema], {
          description: 'Sent as Authorization: Bearer. Never printed. A string or { secretRef: { env | file | kubernetes } }, read at each query.',
        }),
      ),
    ),
    basicAuth: Type.Optional(
      Type.Object(
        { username: Type.String({ description: 'User name.' }), password: CredentialSchema('Password. Never printed; a secret reference is read at each query.') },
        { additionalProperties: false, description: 'HTTP basic auth. Never printed.' },
      ),
    ),
    time: Type.Optional(
      Type.Union([Type.String(), Type.Number()], { description: 'Evaluation time: RFC 3339 or Unix seconds; default now.' }),
    ),
    timeout: Type.Optional(DurationString('Query timeout, e.g. 2s; the tighter of this and the probe timeout wins.')),
    headers: Type.Optional(
      Type.Record(Type.String(), CredentialSchema('Header value.'), {
        description: 'Extra request headers (e.g. X-Scope-OrgID). Never printed; secret references are read at each query.',
      }),
    ),
    insecureTls: Type.Optional(Type.Boolean({ description: 'Accept any TLS certificate. For test systems only.' })),
  },
  { additionalProperties: false, description: 'One Prometheus instant query reduced to a single value.' },
);
export type PrometheusProbeParams = Static<typeof prometheusProbeParams>;

function queryUrl(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch (err) {
    throw new ProbeError(`prometheus probe: "${base}" is not a valid URL`, { cause: err, hint: 'Use the Prometheus base URL, e.g. http://127.0.0.1:9090.' });
  }
  if (!/\/api\/v1\/query\/?$/.test(url.pathname)) url.pathname = url.pathname.replace(/\/+$/, '') + '/api/v1/query';
  url.search = '';
  url.hash = '';
  return url;
}

async function authorization(params: PrometheusProbeParams, ctx: CallContext, where: string): Promise<string | undefined> {
  if (params.bearerToken !== undefined && params.basicAuth !== undefined) {
    throw new ProbeError('prometheus probe: set either bearerToken or basicAuth, not both');
  }
  if (params.bearerToken !== undefined) return `Bearer ${await resolveCredential(params.bearerToken, ctx, `prometheus probe at ${where}: bearerToken`)}`;
  if (params.basicAuth !== undefined) {
    const password = await resolveCredential(params.basicAuth.password, ctx, `prometheus probe at ${where}: basicAuth.password`);
    return `Basic ${Buffer.from(`${params.basicAuth.username}:${password}`).toString('base64')}`;
  }
  return undefined;
}

interface ApiBody {
  status?: unknown;
  data?: unknown;
  errorType?: unknown;
  error?: unknown;
  warnings?: unknown;
}

function apiError(opts: { status: number; body: ApiBody | undefined; raw: string; where: string; query: string }): ProbeError {
  const { status, body, where, query } = opts;
  const q = JSON.stringify(query);
  const retryable = status >= 500 || status === 429 || body?.errorType === 'timeout' || body?.errorType === 'unavailable';
  if (body && typeof body.error === 'string') {
    const type = typeof body.errorType === 'string' ? `${body.errorType}: ` : '';
    return new ProbeError(`prometheus at ${where} rejected query ${q} (HTTP ${status}): ${type}${body.error}`, {
      retryable,
      ...(body.errorType === 'bad_data' ? { hint: 'Fix the PromQL; try it in the Prometheus UI (Graph tab) first.' } : {}),
    });
  }
  const hints: Record<number, string> = {
    401: 'Prometheus (or a proxy in front of it) wants credentials: set bearerToken or basicAuth.',
    403: 'The credentials were refused: check bearerToken/basicAuth and the tenant headers.',
    404: 'url must be the Prometheus base URL (e.g. http://127.0.0.1:9090), not a page of its UI.',
  };
  const hint = hints[status];
  return new ProbeError(
    `prometheus at ${where} answered HTTP ${status} for query ${q}${opts.raw ? `: ${JSON.stringify(opts.raw.slice(0, 200))}` : ''}`,
    { retryable, ...(hint ? { hint } : {}) },
  );
}

/**
 * Creates the `prometheus` probe: one instant query (POST /api/v1/query) reduced to one value.
 * Observation: value = the scalar / the single series' value / the `reduce`d vector; latencyMs = the
 * query's round trip. Throws ProbeError when it cannot evaluate: unreachable, timeout, an error answer
 * (errorType and error shown), no series, NaN, several series without `reduce`, a range vector.
 * Credentials never appear in messages or details.
 */
export function createPrometheusProbe(opts: { allowHosts?: AllowHosts } = {}): Probe<PrometheusProbeParams> {
  return {
    kind: 'prometheus',
    paramsSchema: prometheusProbeParams,
    summary: 'Runs a PromQL instant query and observes its value (a vector is reduced by min, max, avg, sum or count).',
    async observe(params: PrometheusProbeParams, ctx: CallContext): Promise<Observation> {
      const url = queryUrl(params.url);
      assertHostAllowed(url.hostname, opts.allowHosts, 'prometheus');
      const where = redactUrl(new URL(url.pathname.replace(/\/api\/v1\/query\/?$/, '') || '/', url)).replace(/\/$/, '');
      const headers: Record<string, string> = {
        ...(await resolveHeaderValues(params.headers, ctx, `prometheus probe at ${where}`)),
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      };
      const auth = await authorization(params, ctx, where);
      if (auth) headers['authorization'] = auth;
      const timeoutMs = effectiveTimeoutMs(ctx, params.timeout === undefined ? undefined : parseDuration(params.timeout));
      const form = new URLSearchParams({ query: params.query, timeout: `${timeoutMs}ms` });
      if (params.time !== undefined) form.set('time', String(params.time));

      const what = `prometheus query ${JSON.stringify(params.query)} at ${where}`;
      const res = await bounded(
        {
          what,
          ctx,
          timeoutMs,
          describe: (err) => new ProbeError(`${what} failed: ${networkReason(err)}`, { cause: err, retryable: true }),
        },
        (signal) => httpCall({ url, method: 'POST', headers, body: form.toString(), insecureTls: params.insecureTls ?? false, signal, timeoutMs, maxBodyBytes: MAX_BODY_BYTES }),
      );
      let body: ApiBody | undefined;
      try {
        body = res.truncated ? undefined : (JSON.parse(res.body) as ApiBody);
      } catch {
        body = undefined;
      }
      if (res.status < 200 || res.status >= 300 || body?.status === 'error') {
        throw apiError({ status: res.status, body, raw: body ? '' : res.body, where, query: params.query });
      }
      if (!body || body.status !== 'success') {
        throw new ProbeError(`${what} got an answer that is not a Prometheus API response (HTTP ${res.status}, ${res.contentType ?? 'no content type'})`, {
          hint: 'url must point at Prometheus or a compatible API (Thanos, Mimir, VictoriaMetrics), e.g. http://127.0.0.1:9090.',
        });
      }
      const reduced = reduceQueryResult(body.data, { query: params.query, ...(params.reduce ? { reduce: params.reduce as Reducer } : {}) });
      const warnings = Array.isArray(body.warnings) && body.warnings.length ? ` (warnings: ${body.warnings.join('; ')})` : '';
      return {
        value: reduced.value as Json,
        latencyMs: res.latencyMs,
        detail: `${reduced.detail} in ${Math.round(res.latencyMs)}ms${warnings}`,
      };
    },
  };
}
