import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SpecInvalidError, silentLogger, type Registry } from '@faultline/core';
import { planRun } from '@faultline/engine';
import type { ExperimentParser } from '../experiment-parser.js';

const Definition = Type.Object({ definition: Type.String({ minLength: 1, maxLength: 262_144 }) }, { additionalProperties: false });

/**
 * What the experiment editor needs beyond the REST API: validation that answers 200 with the issues
 * (so the page can show them inline as you type) and a side-effect-free plan (run scope: planning calls the providers'
 * APIs, within the controller's allow-list).
 */
export const dashboardApiRoutes: FastifyPluginAsyncTypebox<{ parse: ExperimentParser; registry: Registry }> = async (app, { parse, registry }) => {
  app.post('/v1/dashboard/validate', {
    config: { scope: 'read' },
    schema: { summary: 'Validate experiment text: `ok` and the issues (line, path, message), never 4xx for an invalid document', body: Definition },
  }, async (request) => {
    try {
      const e = await parse(request.body.definition, 'editor');
      return { ok: true, name: e.metadata.name, issues: [] };
    } catch (err) {
      if (err instanceof SpecInvalidError) return { ok: false, issues: err.issues };
      throw err;
    }
  });

  app.post('/v1/dashboard/plan', {
    config: { scope: 'run' },
    schema: { summary: 'Resolve targets and check blast-radius limits for experiment text; touches nothing', body: Definition },
  }, async (request) => {
    const experiment = await parse(request.body.definition, 'editor');
    const controller = new AbortController();
    const plan = await planRun(experiment, registry, { ctx: { signal: controller.signal, log: silentLogger, timeoutMs: 10_000 } });
    return { experiment: experiment.metadata.name, plan };
  });
};
