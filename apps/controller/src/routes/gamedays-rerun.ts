import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError, UsageError, type JournalEvent } from '@faultline/core';
import {
  buildDayReport, compareDays, planRerun, renderDaysComparisonHtml, renderDaysComparisonMarkdown, type DayEvent, type DayReport,
} from '@faultline/gameday';
import type { Store } from '@faultline/store';
import type { GameDayHost } from '../gameday-host.js';

const DayParams = Type.Object({ dayId: Type.String({ pattern: '^d[0-9a-z]{12}$' }) });
const DAY_ID = /^d[0-9a-z]{12}$/;

/** A stored day's report and journal (its runs' journals from the store). */
export async function storedDayReport(host: GameDayHost, store: Store, dayId: string): Promise<{ report: DayReport; events: DayEvent[] }> {
  const events = await host.journal.read(dayId).catch(() => { throw new NotFoundError(`game day ${dayId} does not exist`, { hint: 'list them with GET /v1/gamedays' }); });
  const runs = new Map<string, JournalEvent[]>();
  for (const e of events) if (e.type === 'step-run') runs.set(e.runId, await store.read(e.runId));
  return { report: buildDayReport(events, runs), events };
}

/**
 * Past days again: rerun one from a step (default: its first failed, aborted or unrun step) or clone it,
 * with the plan from its journal (the same resolved experiments); and one report across several days.
 */
export const gamedayRerunRoutes: FastifyPluginAsyncTypebox<{ store: Store; host: GameDayHost }> = async (app, opts) => {
  const { host, store } = opts;
  const who = (request: { actor?: { name: string } }) => request.actor?.name ?? 'anonymous (no auth)';

  for (const kind of ['rerun', 'clone'] as const) {
    app.post(`/v1/gamedays/:dayId/${kind}`, {
      config: { scope: 'run', audit: `gamedays.${kind}` },
      schema: {
        summary: kind === 'rerun'
          ? 'Start a new day from a past day\'s plan at a step (default: its first failed, aborted or unrun step); earlier steps are journaled skipped'
          : 'Start a new day from a past day\'s plan, every step again',
        params: DayParams,
        body: Type.Optional(Type.Object({
          ...(kind === 'rerun' ? { fromStep: Type.Optional(Type.Integer({ minimum: 1, description: '1-based step to start at.' })) } : {}),
          unattended: Type.Optional(Type.Boolean({ description: 'Gates take their defaults. Default: as the past day was started.' })),
        }, { additionalProperties: false })),
      },
    }, async (request, reply) => {
      const { dayId } = request.params;
      const body = (request.body ?? {}) as { fromStep?: number; unattended?: boolean };
      const events = await host.journal.read(dayId).catch(() => { throw new NotFoundError(`game day ${dayId} does not exist`); });
      const plan = planRerun(dayId, events, { kind, ...(body.fromStep !== undefined ? { fromStep: body.fromStep - 1 } : {}) });
      const runner = await host.start(plan.day, { unattended: body.unattended ?? plan.unattended, by: who(request), origin: plan.origin, source: `api ${kind} of ${dayId} (${who(request)})` });
      reply.header('location', `/v1/gamedays/${runner.dayId}`);
      return reply.status(202).send({ dayId: runner.dayId, name: plan.day.metadata.name, steps: plan.day.spec.steps.length, origin: plan.origin });
    });
  }

  app.get('/v1/gamedays/compare', {
    config: { scope: 'read' },
    schema: {
      summary: 'One report across several days (a series, a day and its reruns): html (self-contained), md or json',
      querystring: Type.Object({
        days: Type.String({ minLength: 1, description: 'Comma-separated day ids (2 to 20).' }),
        format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('md'), Type.Literal('json')])),
      }),
    },
  }, async (request, reply) => {
    const ids = [...new Set(request.query.days.split(',').map((s) => s.trim()).filter(Boolean))];
    const bad = ids.find((id) => !DAY_ID.test(id));
    if (bad) throw new UsageError(`"${bad}" is not a game-day id`, { hint: 'day ids look like d + 12 letters/digits; list them with GET /v1/gamedays' });
    if (ids.length < 2 || ids.length > 20) throw new UsageError(`compare needs 2 to 20 different days, got ${ids.length}`, { hint: 'for one day use GET /v1/gamedays/:id/report' });
    const comparison = compareDays(await Promise.all(ids.map(async (id) => (await storedDayReport(host, store, id)).report)));
    const format = request.query.format ?? 'html';
    if (format === 'json') return comparison;
    reply.type(format === 'html' ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8');
    return format === 'html' ? renderDaysComparisonHtml(comparison) : renderDaysComparisonMarkdown(comparison);
  });
};
