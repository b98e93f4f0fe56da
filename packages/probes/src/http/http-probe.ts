import { Type, type Static } from '@sinclair/typebox';
import {
  DurationString, ProbeError, parseDuration, type CallContext, type Json, type Observation, type Probe,
} from '@faultline/core';
import { assertHostAllowed, type AllowHosts } from '../shared/allow-hosts.js';
import { bounded, effectiveTimeoutMs, networkReason } from '../shared/bounded.js';
import { CredentialSchema, resolveHeaderValues } from '../shared/credentials.js';
import { httpCall } from '../shared/http-call.js';
import { redactUrl } from '../shared/redact.js';
import { JSON_PATH_PATTERN, evaluateJsonPath, parseJsonPath } from './json-path.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** Bodies beyond this are read (latency covers them) but not kept; jsonPath then cannot evaluate. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The observed value is the body text cut to this many characters. */
const MAX_VALUE_CHARS = 1024;

export const httpProbeParams = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'http:// or https:// URL to request.' }),
    method: Type.Optional(Type.Union(METHODS.map((m) => Type.Literal(m)), { description: 'HTTP method; default GET.' })),
    headers: Type.Optional(
      Type.Record(Type.String(), CredentialSchema('Header value; for credentials (Authorization, API keys) prefer a secret reference.'), {
        description: 'Request headers. Never printed; secret references are read at each probe call.',
      }),
    ),
    body: Type.Optional(
      Type.Unknown({ description: 'Request body: a string is sent as is; any other JSON value is sent as application/json.' }),
    ),
    timeout: Type.Optional(DurationString('Per-request timeout, e.g. 500ms; the tighter of this and the probe timeout wins.')),
    jsonPath: Type.Optional(
      Type.String({
        pattern: JSON_PATH_PATTERN,
        description: "Pick the observed value from a JSON body: $.a.b, $.items[0].sku, $['odd key'], $.list[-1].",
      }),
    ),
    insecureTls: Type.Optional(Type.Boolean({ description: 'Accept any TLS certificate. For test systems only.' })),
  },
  { additionalProperties: false, description: 'One HTTP request; observes status, latency and the body or a JSON-path value.' },
);
export type HttpProbeParams = Static<typeof httpProbeParams>;

function requestBody(params: HttpProbeParams, headers: Record<string, string>): string | undefined {
  if (params.body === undefined) return undefined;
  if (typeof params.body === 'string') return params.body;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(params.body);
}

/**
 * Creates the `http` probe. Observation: value = the JSON-path value when `jsonPath` is set, otherwise
 * the body text (first 1 KB); status; latencyMs to the last body byte. A non-2xx answer is a normal
 * observation. Throws ProbeError when no answer arrives (connection error, timeout, disallowed host)
 * or when a 2xx body cannot give the JSON-path value; for non-2xx answers the value is then null.
 */
export function createHttpProbe(opts: { allowHosts?: AllowHosts } = {}): Probe<HttpProbeParams> {
  return {
    kind: 'http',
    paramsSchema: httpProbeParams,
    summary: 'Sends one HTTP request and observes status, latency and the body (or a JSON-path value).',
    async observe(params: HttpProbeParams, ctx: CallContext): Promise<Observation> {
      let url: URL;
      try {
        url = new URL(params.url);
      } catch (err) {
        throw new ProbeError(`http probe: "${params.url}" is not a valid URL`, { cause: err, hint: 'Use an absolute URL such as http://127.0.0.1:8080/health.' });
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new ProbeError(`http probe: ${redactUrl(url)} is not an http(s) URL`, { hint: 'Use the tcp probe for other protocols.' });
      }
      assertHostAllowed(url.hostname, opts.allowHosts, 'http');
      const steps = params.jsonPath === undefined ? undefined : parsePath(params.jsonPath);
      const method = params.method ?? 'GET';
      const shown = `${method} ${redactUrl(url)}`;
      const headers = await resolveHeaderValues(params.headers, ctx, `http probe ${shown}`);
      const body = requestBody(params, headers);
      const timeoutMs = effectiveTimeoutMs(ctx, params.timeout === undefined ? undefined : parseDuration(params.timeout));

      const res = await bounded(
        {
          what: shown,
          ctx,
          timeoutMs,
          describe: (err) => new ProbeError(`${shown} failed: ${networkReason(err)}`, { cause: err, retryable: true }),
        },
        (signal) => httpCall({ url, method, headers, ...(body !== undefined ? { body } : {}), insecureTls: params.insecureTls ?? false, signal, timeoutMs, maxBodyBytes: MAX_BODY_BYTES }),
      );
      const detail = `${shown} -> ${res.status} in ${Math.round(res.latencyMs)}ms`;
      const base = { status: res.status, latencyMs: res.latencyMs };
      if (!steps) return { ...base, value: res.body.length > MAX_VALUE_CHARS ? res.body.slice(0, MAX_VALUE_CHARS) : res.body, detail };

      const success = res.status >= 200 && res.status < 300;
      const cannot = (why: string): Observation => {
        if (success) throw new ProbeError(`${shown} answered ${res.status} but ${why}`, { hint: 'Check jsonPath against the actual response body.' });
        return { ...base, value: null, detail: `${detail} (${why})` };
      };
      if (res.truncated) return cannot(`the body is larger than ${MAX_BODY_BYTES} bytes, too large for jsonPath`);
      let doc: Json;
      try {
        doc = JSON.parse(res.body) as Json;
      } catch {
        return cannot(`the body is not JSON, so jsonPath ${params.jsonPath} cannot apply (body starts: ${JSON.stringify(res.body.slice(0, 80))})`);
      }
      const found = evaluateJsonPath(doc, steps);
      if (!found.found) return cannot(`jsonPath ${params.jsonPath} matched nothing (no value at ${found.missingAt})`);
      return { ...base, value: found.value, detail: `${detail}, ${params.jsonPath} = ${short(found.value)}` };
    },
  };
}

function parsePath(path: string) {
  try {
    return parseJsonPath(path);
  } catch (err) {
    throw new ProbeError(`http probe: ${(err as Error).message}`, { cause: err });
  }
}

function short(v: Json): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
