import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tokenScopes, type Store } from '@faultline/store';
import type { RunHost } from '../run-host.js';

const HaltSchema = Type.Object({ halted: Type.Boolean(), reason: Type.Optional(Type.String()), by: Type.Optional(Type.String()), at: Type.Optional(Type.String()), abortedRuns: Type.Optional(Type.Array(Type.String())) });

/** The global kill switch, tokens and the audit log. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ store: Store; runHost: RunHost }> = async (app, { store, runHost }) => {
  app.post('/v1/halt', {
    config: { scope: 'admin', audit: 'halt.set' },
    schema: {
      summary: 'Global halt: abort every active run (each reverts) and refuse new runs until lifted',
      body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })),
      response: { 200: HaltSchema },
    },
  }, async (request) => {
    const reason = request.body?.reason ?? 'halted by an operator';
    const state = await store.setHalt({ halted: true, reason, ...(request.actor ? { by: request.actor.name } : {}) });
    const abortedRuns = runHost.activeRunIds();
    void runHost.abortAll(`global halt: ${reason}`, 'halt');
    return { ...state, abortedRuns };
  });

  app.delete('/v1/halt', {
    config: { scope: 'admin', audit: 'halt.clear' },
    schema: { summary: 'Lift the global halt', response: { 200: HaltSchema } },
  }, async (request) => store.setHalt({ halted: false, ...(request.actor ? { by: request.actor.name } : {}) }));

  app.get('/v1/halt', { config: { scope: 'read' }, schema: { summary: 'Is a global halt active?', response: { 200: HaltSchema } } }, async () => store.getHalt());

  app.post('/v1/tokens', {
    config: { scope: 'admin', audit: 'tokens.create' },
    schema: {
      summary: 'Create a token; the secret is shown once',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(Type.Union(tokenScopes.map((s) => Type.Literal(s))), { minItems: 1 }) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const { token, secret } = await store.createToken(request.body);
    return reply.status(201).send({ ...token, secret });
  });
  app.get('/v1/tokens', { config: { scope: 'admin' }, schema: { summary: 'Tokens (never their secrets)' } }, async () => ({ tokens: await store.listTokens() }));
  app.delete('/v1/tokens/:tokenId', {
    config: { scope: 'admin', audit: 'tokens.revoke' },
    schema: { summary: 'Revoke a token', params: Type.Object({ tokenId: Type.String() }) },
  }, async (request, reply) => {
    await store.revokeToken(request.params.tokenId);
    return reply.status(204).send();
  });

  app.get('/v1/audit', {
    config: { scope: 'admin' },
    schema: { summary: 'Audit log of every mutation, newest first', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), before: Type.Optional(Type.Integer()) }) },
  }, async (request) => ({ entries: await store.listAudit({ ...(request.query.limit ? { limit: request.query.limit } : {}), ...(request.query.before ? { before: request.query.before } : {}) }) }));
};

export const healthRoutes: FastifyPluginAsyncTypebox<{ store: Store; ready: () => boolean; metrics: () => Promise<string> }> = async (app, opts) => {
  app.get('/healthz', { schema: { summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'Readiness: recovery finished and the store answers' } }, async (_req, reply) => {
    if (!opts.ready()) return reply.status(503).send({ status: 'recovering', message: 'reverting leftovers of the previous process before accepting work' });
    try {
      await opts.store.ping();
      return { status: 'ready' };
    } catch (err) {
      return reply.status(503).send({ status: 'store-unavailable', message: (err as Error).message.slice(0, 200) });
    }
  });
  app.get('/metrics', { schema: { summary: 'Prometheus metrics' } }, async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await opts.metrics()));
};
