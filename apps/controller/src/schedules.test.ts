import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createRegistry } from '@faultline/core';
import { createManualClock, createManualTicker, type ManualTicker } from '@faultline/scheduler';
import { openStore, type Store } from '@faultline/store';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { buildApp } from './app.js';
import { experimentParser } from './experiment-parser.js';
import { ControllerMetrics } from './metrics.js';
import { RunHost } from './run-host.js';
import { ScheduleService } from './schedule-service.js';

let app: FastifyInstance;
let store: Store;
let runHost: RunHost;
let service: ScheduleService;
let ticker: ManualTicker;
let token: string;
const clock = createManualClock('2026-11-23T08:05:10Z'); // Monday 09:05:10 in Berlin

const experiment = `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: nightly-break }
spec:
  duration: 20ms
  targets: { things: { fake: {} } }
  faults: [{ name: break, type: fake.break, target: things }]
`;
const schedule = `apiVersion: faultline.dev/v1
kind: Schedule
metadata: { name: business-hours }
spec:
  experiment: nightly-break
  cron: "*/5 * * * *"
  timeZone: Europe/Berlin
  windows: [{ days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }]
  blackoutDates: ["2026-12-24"]
  calendars:
    - |
        BEGIN:VCALENDAR
        VERSION:2.0
        BEGIN:VEVENT
        UID:xmas@example
        DTSTART;VALUE=DATE:20261225
        DTEND;VALUE=DATE:20261227
        SUMMARY:Christmas
        END:VEVENT
        END:VCALENDAR
`;

beforeEach(async () => {
  store = await openStore(':memory:', { clock });
  const backend = new FakeBackend();
  backend.addTargets(1);
  const registry = createRegistry([fakePlugin(backend)]);
  const metrics = new ControllerMetrics();
  runHost = new RunHost({ store, registry, metrics, clock });
  ticker = createManualTicker();
  service = new ScheduleService({ store, runHost, parse: experimentParser(registry), ticker, clock, holderId: 'replica-a' });
  app = await buildApp({ store, registry, runHost, metrics, schedules: service, rateLimitPerMinute: false, clock });
  token = (await store.createToken({ name: 'ops', scopes: ['run'] })).secret;
  await app.inject({ method: 'POST', url: '/v1/experiments', headers: { authorization: `Bearer ${token}` }, payload: { definition: experiment } });
});
afterEach(async () => {
  await service.stop();
  await runHost.close();
  await app.close();
  await store.close();
});
const h = () => ({ authorization: `Bearer ${token}` });

describe('/v1/schedules', () => {
  it('previews fire times with reasons for skipped candidates (blackout, holiday from .ics, weekend)', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/schedules', headers: h(), payload: { definition: schedule } });
    expect(created.statusCode).toBe(201);
    const res = await app.inject({ method: 'GET', url: '/v1/schedules/business-hours/preview?from=2026-12-24T00:00:00Z&to=2026-12-29T08:20:00Z&limit=5', headers: h() });
    expect(res.statusCode).toBe(200);
    const body = JSON.stringify(res.json());
    expect(body).toMatch(/blackout-date/);
    expect(body).toMatch(/holiday: Christmas/);
    expect(body).toMatch(/weekend/);
    expect(res.json().fires[0].at).toBe('2026-12-28T08:00:00.000Z'); // Monday 09:00 Berlin
  });

  it('the leader fires a due slot: the run carries the schedule id and the lease fencing token; history records it', async () => {
    // Every part of the controller reads this one clock: the schedule is created before the slot, the tick after it.
    clock.set('2026-11-23T08:03:00Z');
    const { scheduleId } = (await app.inject({ method: 'POST', url: '/v1/schedules', headers: h(), payload: { definition: schedule } })).json();
    clock.set('2026-11-23T08:05:10Z');
    service.start();
    await ticker.tick();
    const fires = (await app.inject({ method: 'GET', url: `/v1/schedules/${scheduleId}/history`, headers: h() })).json().fires;
    expect(fires[0]).toMatchObject({ decision: 'started', at: '2026-11-23T08:05:00.000Z' });
    const run = await store.getRun(fires[0].runId);
    expect(run).toMatchObject({ scheduleId, source: 'schedule', labels: { 'faultline.dev/schedule': 'business-hours' } });
    expect(run!.fencingToken).toBeGreaterThan(0);
    // the same slot never fires twice, even after a restart of the scheduler
    await service.stop();
    service.start();
    await ticker.tick();
    expect((await app.inject({ method: 'GET', url: `/v1/schedules/${scheduleId}/history`, headers: h() })).json().fires).toHaveLength(1);
  });

  it('pause and resume; unknown experiment and invalid schedule are clear errors', async () => {
    const { scheduleId } = (await app.inject({ method: 'POST', url: '/v1/schedules', headers: h(), payload: { definition: schedule } })).json();
    expect((await app.inject({ method: 'POST', url: `/v1/schedules/${scheduleId}/pause`, headers: h() })).json().paused).toBe(true);
    expect((await app.inject({ method: 'POST', url: `/v1/schedules/${scheduleId}/resume`, headers: h() })).json().paused).toBe(false);
    const missing = await app.inject({ method: 'POST', url: '/v1/schedules', headers: h(), payload: { definition: schedule.replace('experiment: nightly-break', 'experiment: nope').replace('business-hours', 'other') } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/names experiment "nope", which is not stored/);
    const bad = await app.inject({ method: 'POST', url: '/v1/schedules', headers: h(), payload: { definition: schedule.replace('Europe/Berlin', 'Europe/Berlinn').replace('business-hours', 'other') } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().issues)).toMatch(/timeZone/);
  });
});
