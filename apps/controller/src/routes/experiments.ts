import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError, UsageError } from '@faultline/core';
import type { ExperimentRecord, Store } from '@faultline/store';
import type { ExperimentParser } from '../experiment-parser.js';
import { ExperimentBody, ExperimentSchema } from '../schemas.js';

const view = (r: ExperimentRecord) => ({ name: r.name, version: r.version, body: r.body, createdAt: r.createdAt, ...(r.createdBy ? { createdBy: r.createdBy } : {}) });

/** Versioned experiment definitions: every PUT stores version n+1; DELETE is soft (old runs keep theirs). */
export const experimentsRoutes: FastifyPluginAsyncTypebox<{ store: Store; parse: ExperimentParser }> = async (app, { store, parse }) => {
  app.post('/v1/experiments', {
    config: { scope: 'run', audit: 'experiments.create' },
    schema: { summary: 'Store an experiment (its metadata.name is its name)', body: ExperimentBody, response: { 201: ExperimentSchema } },
  }, async (request, reply) => {
    const experiment = await parse(request.body.definition, 'request body');
    const rec = await store.putExperiment({ name: experiment.metadata.name, body: request.body.definition, parsed: experiment as never, ...(request.actor ? { createdBy: request.actor.name } : {}) });
    return reply.status(201).header('location', `/v1/experiments/${rec.name}`).send(view(rec));
  });

  app.put('/v1/experiments/:name', {
    config: { scope: 'run', audit: 'experiments.update' },
    schema: { summary: 'Store a new version', params: Type.Object({ name: Type.String() }), body: ExperimentBody, response: { 200: ExperimentSchema } },
  }, async (request) => {
    const experiment = await parse(request.body.definition, 'request body');
    if (experiment.metadata.name !== request.params.name) {
      throw new UsageError(`metadata.name is "${experiment.metadata.name}" but the URL names "${request.params.name}"; they must match`);
    }
    return view(await store.putExperiment({ name: request.params.name, body: request.body.definition, parsed: experiment as never, ...(request.actor ? { createdBy: request.actor.name } : {}) }));
  });

  app.get('/v1/experiments', {
    config: { scope: 'read' },
    schema: { summary: 'Latest version of every experiment', response: { 200: Type.Object({ experiments: Type.Array(ExperimentSchema) }) } },
  }, async () => ({ experiments: (await store.listExperiments()).map(view) }));

  app.get('/v1/experiments/:name', {
    config: { scope: 'read' },
    schema: { summary: 'One experiment (latest or ?version=N)', params: Type.Object({ name: Type.String() }), querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }), response: { 200: ExperimentSchema } },
  }, async (request) => {
    const rec = await store.getExperiment(request.params.name, request.query.version ? { version: request.query.version } : {});
    if (!rec) throw new NotFoundError(`experiment "${request.params.name}"${request.query.version ? ` version ${request.query.version}` : ''} does not exist`);
    return view(rec);
  });

  app.delete('/v1/experiments/:name', {
    config: { scope: 'run', audit: 'experiments.delete' },
    schema: { summary: 'Delete (soft: versions stay readable for old runs)', params: Type.Object({ name: Type.String() }) },
  }, async (request, reply) => {
    await store.deleteExperiment(request.params.name, request.actor ? { by: request.actor.name } : {});
    return reply.status(204).send();
  });
};
