import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError, UsageError, isTerminal, runStates, type Clock, type Experiment, type JournalEvent, type RunState } from '@faultline/core';
import { parseLabelSelector, type Store } from '@faultline/store';
import { buildRunReport, renderHtml, renderJUnit } from '@faultline/report';
import type { RunHost } from '../run-host.js';
import type { ExperimentParser } from '../experiment-parser.js';
import { RunSchema, SubmitRunBody } from '../schemas.js';
import { runView } from '../run-view.js';
import { parseRetention } from '../retention.js';

export interface RunsRoutesOptions {
  store: Store;
  runHost: RunHost;
  parse: ExperimentParser;
  /** How often SSE streams poll the store for events of runs hosted by another replica. */
  ssePollMs?: number;
  /** For prune's `olderThan`. */
  clock: Clock;
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, val) => (val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort()) : val));

export const runsRoutes: FastifyPluginAsyncTypebox<RunsRoutesOptions> = async (app, opts) => {
  const { store, runHost } = opts;

  app.post('/v1/runs', {
    config: { scope: 'run', audit: 'runs.create' },
    schema: {
      summary: 'Start a run from a stored or inline experiment',
      description: 'Answers 202 with the run (phase `accepted` or `running`). With an `Idempotency-Key` header the same key and body always return the same run; the same key with another body is 422.',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
      body: SubmitRunBody,
      response: { 202: Type.Object({ run: RunSchema, created: Type.Boolean() }) },
    },
  }, async (request, reply) => {
    const body = request.body;
    if (!!body.experiment === !!body.definition) throw new UsageError('give exactly one of `experiment` (a stored name) or `definition` (inline YAML/JSON text or a JSON object)');
    let experiment: Experiment;
    let version: number | undefined;
    if (body.experiment) {
      const stored = await store.getExperiment(body.experiment, body.version ? { version: body.version } : {});
      if (!stored) throw new NotFoundError(`experiment "${body.experiment}"${body.version ? ` version ${body.version}` : ''} is not stored; POST /v1/experiments first`);
      experiment = await opts.parse(stored.body, `experiment ${stored.name} v${stored.version}`);
      version = stored.version;
    } else {
      // An object is checked as the same document in JSON text: issues keep their paths (spec.faults[0].type).
      const definition = body.definition as string | Record<string, unknown>;
      experiment = typeof definition === 'string'
        ? await opts.parse(definition, 'inline definition')
        : await opts.parse(JSON.stringify(definition, null, 2), 'inline definition (JSON object)');
    }
    const key = request.headers['idempotency-key'];
    const { run, created } = await runHost.start({
      experiment, source: 'api', ...(body.labels ? { labels: body.labels } : {}),
      ...(version !== undefined ? { experimentVersion: version } : {}),
      ...(key ? { idempotencyKey: key, requestHash: createHash('sha256').update(canonical(body)).digest('hex') } : {}),
    });
    reply.header('location', `/v1/runs/${run.runId}`);
    if (!created) reply.header('idempotent-replayed', 'true');
    return reply.status(202).send({ run: runView(run), created });
  });

  app.get('/v1/runs', {
    config: { scope: 'read' },
    schema: {
      summary: 'List runs, newest first',
      querystring: Type.Object({
        state: Type.Optional(Type.String({ description: `comma-separated: ${runStates.join(', ')}` })),
        experiment: Type.Optional(Type.String()),
        label: Type.Optional(Type.String({ description: 'key=value[,key=value]' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        cursor: Type.Optional(Type.String()),
      }),
      response: { 200: Type.Object({ runs: Type.Array(RunSchema), nextCursor: Type.Optional(Type.String()) }) },
    },
  }, async (request) => {
    const q = request.query;
    const states = q.state?.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = states?.filter((s) => !(runStates as readonly string[]).includes(s));
    if (bad?.length) throw new UsageError(`unknown state ${bad.join(', ')}; known: ${runStates.join(', ')}`);
    const page = await store.listRuns({
      ...(states?.length ? { state: states as RunState[] } : {}),
      ...(q.experiment ? { experiment: q.experiment } : {}),
      ...(q.label ? { labels: parseLabelSelector(q.label) } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { runs: page.runs.map(runView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });

  app.get('/v1/runs/:runId', {
    config: { scope: 'read' },
    schema: { summary: 'One run', params: Type.Object({ runId: Type.String() }), response: { 200: RunSchema } },
  }, async (request) => {
    const run = await store.getRun(request.params.runId);
    if (!run) throw new NotFoundError(`run ${request.params.runId} does not exist`);
    return runView(run);
  });

  app.post('/v1/runs/:runId/abort', {
    config: { scope: 'run', audit: 'runs.abort' },
    schema: {
      summary: 'Abort a run: it reverts every fault, then ends `aborted`',
      params: Type.Object({ runId: Type.String() }),
      body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })),
      response: { 202: RunSchema },
    },
  }, async (request, reply) => {
    const who = request.actor ? ` by ${request.actor.name}` : '';
    await runHost.abort(request.params.runId, `aborted via API${who}${request.body?.reason ? `: ${request.body.reason}` : ''}`, 'api');
    const run = await store.getRun(request.params.runId);
    return reply.status(202).send(runView(run!));
  });

  app.delete('/v1/runs/:runId', {
    config: { scope: 'admin', audit: 'runs.delete' },
    schema: {
      summary: 'Delete a finished run with its journal (history retention)',
      description: 'Only runs in a terminal state (completed, deviated, aborted, failed). An active or revert-pending run (its faults may still be in) is 409.',
      params: Type.Object({ runId: Type.String() }),
    },
  }, async (request, reply) => {
    await store.deleteRun(request.params.runId);
    return reply.status(204).send();
  });

  app.post('/v1/runs::prune', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Delete finished runs by age and/or count (history retention); `dryRun` only counts',
      description: 'Deletes finished runs that ended more than `olderThan` ago (a duration such as `90d`), never the `keep` newest finished runs. Active and revert-pending runs are never touched. Every real prune is audited as `runs.prune`.',
      body: Type.Object({
        olderThan: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'e.g. 90d, 12h' })),
        keep: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
        dryRun: Type.Optional(Type.Boolean({ default: false })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ count: Type.Integer(), runIds: Type.Array(Type.String(), { description: 'up to 100 of them, newest first' }), dryRun: Type.Boolean(), endedBefore: Type.Optional(Type.String()) }) },
    },
  }, async (request) => {
    const { olderThan, keep, dryRun } = request.body;
    if (olderThan === undefined && keep === undefined) throw new UsageError('give `olderThan` (e.g. "90d"), `keep` (how many of the newest finished runs stay), or both');
    let endedBefore: string | undefined;
    if (olderThan !== undefined) {
      const ms = parseRetention(olderThan, 'olderThan');
      endedBefore = new Date(opts.clock.nowMs() - ms).toISOString();
    }
    const result = await store.pruneRuns({ ...(endedBefore ? { endedBefore } : {}), ...(keep !== undefined ? { keep } : {}), dryRun: dryRun ?? false });
    if (!result.dryRun) {
      await store.appendAudit({
        action: 'runs.prune',
        ...(request.actor ? { actorTokenId: request.actor.tokenId, actorName: request.actor.name } : {}),
        remoteAddress: request.ip,
        details: { count: result.count, ...(olderThan ? { olderThan } : {}), ...(endedBefore ? { endedBefore } : {}), ...(keep !== undefined ? { keep } : {}), runIds: result.runIds.slice(0, 100) },
      });
    }
    return { count: result.count, runIds: result.runIds.slice(0, 100), dryRun: result.dryRun, ...(endedBefore ? { endedBefore } : {}) };
  });

  app.get('/v1/runs/:runId/report', {
    config: { scope: 'read' },
    schema: {
      summary: 'The run report as JSON, JUnit XML or a self-contained HTML page',
      params: Type.Object({ runId: Type.String() }),
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('junit'), Type.Literal('html')], { default: 'json' })) }),
    },
  }, async (request, reply) => {
    const events = await store.read(request.params.runId);
    if (events.length === 0) throw new NotFoundError(`run ${request.params.runId} has no journal (unknown run, or it has not started yet)`);
    const format = request.query.format ?? 'json';
    if (format === 'junit') return reply.type('application/xml; charset=utf-8').send(renderJUnit(events));
    if (format === 'html') return reply.type('text/html; charset=utf-8').send(renderHtml(events));
    return reply.type('application/json').send(buildRunReport(events));
  });

  app.get('/v1/runs/:runId/events', {
    config: { scope: 'read' },
    schema: {
      summary: 'Server-Sent Events: the run journal, live. Resumable with Last-Event-ID (the event seq).',
      params: Type.Object({ runId: Type.String() }),
      querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })) }),
    },
  }, async (request, reply) => {
    const { runId } = request.params;
    const run = await store.getRun(runId);
    if (!run) throw new NotFoundError(`run ${runId} does not exist`);
    const last = Number(request.headers['last-event-id'] ?? request.query.after ?? 0) || 0;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let sent = last;
    let ended = false;
    let flushing = Promise.resolve();
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(poll);
      clearInterval(heartbeat);
      raw.end();
    };
    const write = (e: JournalEvent) => {
      if (ended || e.seq <= sent) return;
      if (e.seq > sent + 1) {
        // A gap (events published before we caught up): fetch the missing ones from the store in order.
        flushing = flushing.then(catchUp);
        return;
      }
      sent = e.seq;
      raw.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      if (e.type === 'verdict' && e.outcome !== 'revert-pending') end();
    };
    const catchUp = async () => {
      if (ended) return;
      for (const e of await store.read(runId, { afterSeq: sent })) write(e);
      if (!ended) {
        const now = await store.getRun(runId);
        if (now && isTerminal(now.state) && now.lastSeq <= sent) end();
      }
    };
    const unsubscribe = runHost.bus.subscribe(runId, write);
    const poll = setInterval(() => { flushing = flushing.then(catchUp).catch(() => undefined); }, opts.ssePollMs ?? 1000);
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
    raw.on('close', end);
    flushing = flushing.then(catchUp).catch(() => end());
  });
};
