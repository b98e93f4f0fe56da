import { parseDuration, DurationString, ProviderError, resolveSecretValues, type FaultContext, type FaultProvider, type Json, type Target } from '@faultline/core';
import { Type, type Static } from '@sinclair/typebox';
import { assertUrlAllowed } from '../shared/allow-hosts.js';
import { assertNoLiteralCredentials, HeadersSchema, literalCredentialHeaders, resolveHeaders, type HeaderMap } from '../shared/headers.js';
import { sendRequest } from '../shared/send.js';
import { fillTemplate } from '../shared/template.js';
import { httpRefOf, type HttpRef } from '../target/http-target.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const RequestSchema = (what: string) => Type.Object(
  {
    method: Type.Unsafe<(typeof METHODS)[number]>({ type: 'string', enum: [...METHODS], description: 'HTTP method. Prefer PUT/PATCH/DELETE: idempotent by definition.' }),
    path: Type.String({ pattern: '^/', description: 'Path (and query) relative to the target url; {{runId}} and {{faultName}} are filled in.' }),
    headers: Type.Optional(HeadersSchema),
    body: Type.Optional(Type.Unknown({ description: 'A string is sent as is, anything else as JSON. {{runId}} / {{faultName}} are filled in; { secretRef } values are resolved.' })),
    expectStatus: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1, description: 'Statuses that mean success. Default: any 2xx.' })),
  },
  { additionalProperties: false, description: what },
);

export const httpCallParams = Type.Object(
  {
    inject: RequestSchema('The request that turns the fault on.'),
    revert: RequestSchema('The request that turns it off again. It must be safe to send more than once, and even if inject never happened.'),
    timeout: Type.Optional(DurationString('Timeout of each attempt. Default 5s.')),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Extra attempts after a network error, timeout, 429 or 5xx. Default 2.' })),
  },
  { additionalProperties: false, description: 'An inject request and a revert request against an http target.' },
);
export type HttpCallParams = Static<typeof httpCallParams>;
type HttpRequestSpec = HttpCallParams['inject'];

/** Undo data: the revert request with {{runId}} filled in and secret references unresolved (safe to journal). */
export interface HttpCallUndo {
  [key: string]: Json;
  readonly revert: Json;
  readonly timeoutMs: number;
  readonly retries: number;
}

const TYPE = 'http.call';

/**
 * `http.call`: sends the inject request, and on revert the revert request (from undo data, or from the
 * journaled parameters when the process died before undo data was written). Credentials come from
 * secret references resolved at the moment of each request.
 */
export function httpCallFault(opts: { allowHosts?: readonly string[] } = {}): FaultProvider<HttpCallParams, HttpCallUndo> {
  return {
    type: TYPE,
    targetKind: 'http',
    paramsSchema: httpCallParams,
    summary: 'Sends an inject request to an HTTP API and a revert request when the fault ends (credentials from secret references).',
    check(params) {
      const problems: Array<{ path: string; message: string }> = [];
      for (const which of ['inject', 'revert'] as const) {
        for (const h of literalCredentialHeaders(params[which]?.headers as HeaderMap | undefined)) {
          problems.push({ path: `${which}.headers.${h}`, message: 'a credential header must be { secretRef: { env | file | kubernetes } }, not a literal (it would be journaled)' });
        }
      }
      if (params.revert?.method === 'POST') problems.push({ path: 'revert.method', message: 'POST is usually not idempotent; use PUT, PATCH or DELETE for the revert request (see docs/faults/http-call.md)' });
      return problems;
    },
    async inject(target: Target, params: HttpCallParams, ctx: FaultContext): Promise<HttpCallUndo> {
      const ref = httpRefOf(target);
      const vars = { runId: ctx.runId, faultName: ctx.faultName };
      const undo: HttpCallUndo = {
        revert: fillTemplate(params.revert as unknown as Json, vars),
        timeoutMs: params.timeout ? parseDuration(params.timeout) : 5_000,
        retries: params.retries ?? 2,
      };
      await send(ref, fillTemplate(params.inject as unknown as Json, vars) as unknown as HttpRequestSpec, `inject request of "${ctx.faultName}"`, undo, ctx, opts);
      ctx.log.info({ runId: ctx.runId, targetId: target.id, method: params.inject.method, path: params.inject.path }, 'http.call injected');
      return undo;
    },
    async revert(target: Target, undo: HttpCallUndo | undefined, ctx: FaultContext): Promise<void> {
      const ref = httpRefOf(target);
      const fromParams = ctx.params as Partial<HttpCallParams> | undefined;
      const effective: HttpCallUndo | undefined = undo ?? (fromParams?.revert
        ? {
            revert: fillTemplate(fromParams.revert as unknown as Json, { runId: ctx.runId, faultName: ctx.faultName }),
            timeoutMs: fromParams.timeout ? parseDuration(fromParams.timeout) : 5_000,
            retries: fromParams.retries ?? 2,
          }
        : undefined);
      if (!effective) {
        ctx.log.warn({ runId: ctx.runId, targetId: target.id }, 'http.call revert: neither undo data nor parameters were journaled; nothing was sent, so nothing to revert');
        return;
      }
      await send(ref, effective.revert as unknown as HttpRequestSpec, `revert request of "${ctx.faultName}"`, effective, ctx, opts);
      ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'http.call reverted');
    },
  };
}

async function send(ref: HttpRef, spec: HttpRequestSpec, what: string, policy: { timeoutMs: number; retries: number }, ctx: FaultContext, opts: { allowHosts?: readonly string[] }): Promise<void> {
  if (ctx.signal.aborted) throw new ProviderError(`${what} was not sent: the operation was aborted`, { cause: ctx.signal.reason });
  const url = new URL(ref.url + spec.path);
  assertUrlAllowed(url, opts.allowHosts, `${TYPE} ${what}`);
  assertNoLiteralCredentials(spec.headers as HeaderMap | undefined, `${TYPE} ${what}`);
  const headers = { ...(await resolveHeaders(ref.headers, ctx)), ...(await resolveHeaders(spec.headers as HeaderMap | undefined, ctx)) };
  const body = spec.body === undefined ? undefined : await resolveSecretValues(spec.body as Json, ctx.secrets, ctx.signal);
  await sendRequest(
    { method: spec.method, url, headers, ...(body !== undefined ? { body } : {}) },
    { what: `${TYPE} ${what}`, timeoutMs: Math.min(policy.timeoutMs, ctx.timeoutMs), retries: policy.retries, ...(spec.expectStatus ? { expectStatus: spec.expectStatus } : {}) },
    ctx,
  );
}
