import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ConflictError, type Registry } from '@faultline/core';
import { gateAnswers, parseGameDay, renderDayHtml, renderDayMarkdown, resolveGameDay, type DayEvent } from '@faultline/gameday';
import type { Store } from '@faultline/store';
import type { GameDayHost } from '../gameday-host.js';
import { gamedayRerunRoutes, storedDayReport } from './gamedays-rerun.js';

export interface GameDaysRoutesOptions {
  store: Store;
  registry: Registry;
  host: GameDayHost;
}

const Answer = Type.Unsafe<(typeof gateAnswers)[number]>({ type: 'string', enum: [...gateAnswers] });
const DayParams = Type.Object({ dayId: Type.String({ pattern: '^d[0-9a-z]{12}$' }) });

/**
 * Game days on the controller. Starting one and answering its gates, halting or aborting a step needs
 * the `run` scope (the facilitator's token); any participant with `read` may add observations and
 * follow the day (SSE). `file:` steps name stored experiments (`file: checkout-slow.yaml` or the name).
 */
export const gamedaysRoutes: FastifyPluginAsyncTypebox<GameDaysRoutesOptions> = async (app, opts) => {
  const { host, store } = opts;
  const who = (request: { actor?: { name: string } }) => request.actor?.name ?? 'anonymous (no auth)';
  await app.register(gamedayRerunRoutes, { store, host });

  app.post('/v1/gamedays', {
    config: { scope: 'run', audit: 'gamedays.create' },
    schema: {
      summary: 'Start a game day from an inline GameDay file; `file:` steps refer to stored experiments',
      body: Type.Object({
        definition: Type.String({ minLength: 1, description: 'The kind: GameDay file (YAML or JSON).' }),
        unattended: Type.Optional(Type.Boolean({ description: 'Gates take their defaults at once and checklists are not waited for (rehearsal, CI). Default false.' })),
        startAt: Type.Optional(Type.String({ format: 'date-time', description: 'Begin the steps at this time (the day is created now; notify heads-up goes out before). Default: at once.' })),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const parsed = parseGameDay(request.body.definition, { file: 'inline definition', registry: opts.registry });
    const storedName = (ref: string) => ref.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/i, '');
    const day = await resolveGameDay(parsed, {
      file: 'inline definition', registry: opts.registry,
      missing: (ref) => `no stored experiment "${storedName(ref)}" on this controller; \`file:\` names a stored experiment here — POST /v1/experiments first`,
      readText: async (ref) => {
        const stored = await store.getExperiment(storedName(ref));
        if (!stored) throw Object.assign(new Error(`no stored experiment "${storedName(ref)}"`), { code: 'ENOENT' });
        return stored.body;
      },
    });
    const runner = await host.start(day, { unattended: request.body.unattended ?? false, by: who(request), ...(request.body.startAt ? { startsAtMs: Date.parse(request.body.startAt) } : {}) });
    reply.header('location', `/v1/gamedays/${runner.dayId}`);
    return reply.status(202).send({ dayId: runner.dayId, name: day.metadata.name, steps: day.spec.steps.length });
  });

  app.get('/v1/gamedays', {
    config: { scope: 'read' },
    schema: { summary: 'Game days in the store, newest first: state running (driven by `driver`), stopped (resume it) or ended' },
  }, async () => ({ gamedays: await host.list() }));

  app.get('/v1/gamedays/:dayId', { config: { scope: 'read' }, schema: { summary: 'A game day: where it is (or where it stopped) and its journal', params: DayParams } }, async (request) => {
    return host.describe(request.params.dayId);
  });

  app.post('/v1/gamedays/:dayId/resume', {
    config: { scope: 'run', audit: 'gamedays.resume' },
    schema: {
      summary: 'Resume a stopped day (its controller went away) on this replica: continue with the next step, retry the interrupted one, or end the day',
      params: DayParams,
      body: Type.Object({
        decision: Type.Union([Type.Literal('continue'), Type.Literal('retry'), Type.Literal('end')], { description: 'What the facilitator decided.' }),
        unattended: Type.Optional(Type.Boolean({ description: 'Gates take their defaults. Default: as the day was started.' })),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const runner = await host.resume(request.params.dayId, { decision: request.body.decision, by: who(request), ...(request.body.unattended !== undefined ? { unattended: request.body.unattended } : {}) });
    reply.header('location', `/v1/gamedays/${runner.dayId}`);
    return reply.status(202).send({ dayId: runner.dayId, decision: request.body.decision });
  });

  app.post('/v1/gamedays/:dayId/notes', {
    config: { scope: 'read', audit: 'gamedays.note' },
    schema: {
      summary: 'Add an observation (timestamped, attached to the current step); any participant',
      params: DayParams,
      body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const event = await (await host.running(request.params.dayId)).note(request.body.text, who(request));
    return reply.status(201).send(event);
  });

  app.post('/v1/gamedays/:dayId/gate', {
    config: { scope: 'run', audit: 'gamedays.gate' },
    schema: {
      summary: 'Answer the gate that is waiting: go, skip (the next step) or no-go (end the day)',
      params: DayParams,
      body: Type.Object({ answer: Answer, note: Type.Optional(Type.String({ maxLength: 4000 })) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const runner = await host.running(request.params.dayId);
    const ok = runner.answerGate(request.body.answer, { by: who(request), ...(request.body.note ? { note: request.body.note } : {}) });
    if (!ok) throw new ConflictError(`no gate is waiting in game day ${request.params.dayId} (it is at ${runner.status().kind ?? 'no'} step)`);
    return { answered: request.body.answer };
  });

  for (const [action, summary] of [['halt', 'Halt the day: the current run reverts, no further step starts'], ['abort-step', 'Abort the current step (its run reverts); the day goes on'], ['skip-step', 'Skip the current step']] as const) {
    app.post(`/v1/gamedays/:dayId/${action}`, {
      config: { scope: 'run', audit: `gamedays.${action}` },
      schema: { summary, params: DayParams, body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })) },
    }, async (request) => {
      const runner = await host.running(request.params.dayId);
      const by = who(request);
      const reason = request.body?.reason;
      if (action === 'halt') runner.halt(reason ?? `halted by ${by}`, by);
      else if (!(action === 'abort-step' ? runner.abortStep(reason ?? `aborted by ${by}`, by) : runner.skipStep(reason ?? `skipped by ${by}`, by))) {
        throw new ConflictError(`game day ${request.params.dayId} has no step in progress`);
      }
      return { ok: true };
    });
  }

  app.get('/v1/gamedays/:dayId/report', {
    config: { scope: 'read' },
    schema: { summary: 'The day report: html (self-contained), md or json', params: DayParams, querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('md'), Type.Literal('json')])) }) },
  }, async (request, reply) => {
    const { report, events } = await storedDayReport(host, store, request.params.dayId);
    const format = request.query.format ?? 'html';
    if (format === 'json') return report;
    reply.type(format === 'html' ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8');
    return format === 'html' ? renderDayHtml(report, events) : renderDayMarkdown(report);
  });

  app.get('/v1/gamedays/:dayId/events', {
    config: { scope: 'read' },
    schema: { summary: 'Server-Sent Events: the game-day journal, live (from the start; Last-Event-ID resumes)', params: DayParams },
  }, async (request, reply) => {
    const { dayId } = request.params;
    await host.describe(dayId); // 404 for an unknown day before the stream starts
    const last = Number(request.headers['last-event-id'] ?? 0) || 0;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let sent = last;
    let ended = false;
    const queue: DayEvent[] = [];
    let caughtUp = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(heartbeat);
      raw.end();
    };
    const write = (e: DayEvent) => {
      if (ended || e.seq <= sent) return;
      sent = e.seq;
      raw.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      if (e.type === 'day-ended') end();
    };
    // Subscribe first, then replay the journal, then flush what arrived meanwhile: nothing is lost or doubled.
    const unsubscribe = host.subscribe(dayId, (e) => (caughtUp ? write(e) : queue.push(e)));
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
    raw.on('close', end);
    for (const e of await host.journal.read(dayId)) write(e);
    for (const e of queue.splice(0)) write(e);
    caughtUp = true;
  });
};
