import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { UsageError, type Clock } from '@faultline/core';
import type { ScheduleRecord } from '@faultline/store';
import type { ScheduleService } from '../schedule-service.js';

const Body = Type.Object({ definition: Type.String({ minLength: 1, maxLength: 262_144, description: 'A `kind: Schedule` document (YAML or JSON text)' }) }, { additionalProperties: false });
const Id = Type.Object({ id: Type.String({ description: 'schedule id or name' }) });
const view = (r: ScheduleRecord) => ({ ...r, links: { self: `/v1/schedules/${r.scheduleId}`, preview: `/v1/schedules/${r.scheduleId}/preview`, history: `/v1/schedules/${r.scheduleId}/history` } });

/** `/v1/schedules`: CRUD, pause/resume, fire history, and a preview of the next fire times. */
export const schedulesRoutes: FastifyPluginAsyncTypebox<{ service: ScheduleService; clock: Clock }> = async (app, { service, clock }) => {
  app.post('/v1/schedules', { config: { scope: 'run', audit: 'schedules.create' }, schema: { summary: 'Create a schedule', body: Body } },
    async (request, reply) => reply.status(201).send(view(await service.create(request.body.definition))));
  app.get('/v1/schedules', { config: { scope: 'read' }, schema: { summary: 'All schedules' } },
    async () => ({ schedules: (await service.list()).map(view), scheduler: service.status() }));
  app.get('/v1/schedules/:id', { config: { scope: 'read' }, schema: { summary: 'One schedule', params: Id } },
    async (request) => view(await service.get(request.params.id)));
  app.put('/v1/schedules/:id', { config: { scope: 'run', audit: 'schedules.update' }, schema: { summary: 'Replace a schedule', params: Id, body: Body } },
    async (request) => view(await service.replace((await service.get(request.params.id)).scheduleId, request.body.definition)));
  app.post('/v1/schedules/:id/pause', { config: { scope: 'run', audit: 'schedules.pause' }, schema: { summary: 'Pause (slots missed while paused never fire later)', params: Id } },
    async (request) => view(await service.setPaused((await service.get(request.params.id)).scheduleId, true)));
  app.post('/v1/schedules/:id/resume', { config: { scope: 'run', audit: 'schedules.resume' }, schema: { summary: 'Resume', params: Id } },
    async (request) => view(await service.setPaused((await service.get(request.params.id)).scheduleId, false)));
  app.delete('/v1/schedules/:id', { config: { scope: 'run', audit: 'schedules.delete' }, schema: { summary: 'Delete (the fire history is kept)', params: Id } },
    async (request, reply) => {
      await service.remove((await service.get(request.params.id)).scheduleId);
      return reply.status(204).send();
    });
  app.get('/v1/schedules/:id/history', { config: { scope: 'read' }, schema: { summary: 'Fire decisions, newest first: started (with run) or skipped (with why)', params: Id, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }) } },
    async (request) => ({ fires: await service.history(request.params.id, request.query.limit) }));
  app.get('/v1/schedules/:id/preview', {
    config: { scope: 'read' },
    schema: {
      summary: 'Next fire times between from and to, with the reason every other candidate is skipped',
      params: Id,
      description: 'A paused schedule skips every slot with reason `paused`. With `asIfActive=true` it lists the slots it would have if resumed instead, and `paused: true` in the answer says none of them fires while it stays paused.',
      querystring: Type.Object({
        from: Type.Optional(Type.String({ format: 'date-time' })), to: Type.Optional(Type.String({ format: 'date-time' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        asIfActive: Type.Optional(Type.Boolean({ default: false })),
      }),
    },
  }, async (request) => {
    const from = request.query.from ? new Date(request.query.from) : clock.now();
    const to = request.query.to ? new Date(request.query.to) : new Date(from.getTime() + 14 * 86_400_000);
    if (!(to > from)) throw new UsageError('`to` must be after `from`');
    return service.preview(request.params.id, { from, to, ...(request.query.limit ? { limit: request.query.limit } : {}), ...(request.query.asIfActive ? { asIfActive: true } : {}) });
  });
};
