import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '@faultline/store';
import type { RunHost } from '../run-host.js';
import { RunSchema } from '../schemas.js';
import { runView } from '../run-view.js';

const ForgottenSchema = Type.Object({
  runId: Type.String(),
  experiment: Type.String(),
  previousState: Type.String(),
  faults: Type.Array(Type.Object({ fault: Type.String(), target: Type.String() }), { description: 'Fault records never confirmed reverted: the operator vouches for them' }),
  by: Type.String(),
  reason: Type.String(),
  detail: Type.String(),
});

/**
 * `POST /v1/runs/:runId/forget` — what `faultline recover --forget RUN --reason "…"` is for CLI runs, for a
 * run hosted by the controllers whose backend is gone for good. Admin scope, audited (`runs.forget`), and
 * journaled (`forced`: who, why, which fault records). Refused (409) while the owner's lease is alive.
 */
export const runForgetRoutes: FastifyPluginAsyncTypebox<{ store: Store; runHost: RunHost }> = async (app, { store, runHost }) => {
  app.post('/v1/runs/:runId/forget', {
    config: { scope: 'admin', audit: 'runs.forget' },
    schema: {
      summary: 'Acknowledge a run whose backend is gone for good: journaled as forced, ends failed, no backend is touched',
      description: 'Refused with 409 while the run is live on a replica or its owner\'s lease is alive (a live owner may still revert it).',
      params: Type.Object({ runId: Type.String() }),
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why it is safe to forget the run, e.g. "staging cluster deleted"' }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ forgotten: ForgottenSchema, run: RunSchema }) },
    },
  }, async (request) => {
    const by = request.actor ? `token "${request.actor.name}" (${request.actor.tokenId}) via the API` : `an unauthenticated caller at ${request.ip} via the API (--no-auth)`;
    const forgotten = await runHost.forget(request.params.runId, request.body.reason, by);
    const run = await store.getRun(request.params.runId);
    return { forgotten, run: runView(run!) };
  });
};
