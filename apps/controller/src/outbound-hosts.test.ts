import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createRegistry } from '@faultline/core';
import { createManualClock, createManualTicker } from '@faultline/scheduler';
import { openStore, type Store } from '@faultline/store';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { buildApp } from './app.js';
import { experimentParser } from './experiment-parser.js';
import { ControllerMetrics } from './metrics.js';
import { RunHost } from './run-host.js';
import { ScheduleService } from './schedule-service.js';

const definition = (opts: { hook: string; grafana: string; slack?: string }) => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: outbound }
spec:
  duration: 50ms
  targets:
    things: { fake: {} }
  faults:
    - { name: break, type: fake.break, target: things }
  notify:
    - name: change-log
      webhook: { url: "${opts.hook}" }
    - name: team-channel
      slack: { url: ${opts.slack ?? '{ secretRef: { env: SLACK_WEBHOOK_URL } }'} }
  annotations:
    - name: ops-grafana
      grafana: { url: "${opts.grafana}", token: { secretRef: { env: GRAFANA_TOKEN } } }
`;

let app: FastifyInstance;
let store: Store;
let runHost: RunHost;
let runner: string;
let schedules: ScheduleService;
const registry = createRegistry([fakePlugin(new FakeBackend())]);
const allowHosts = ['127.0.0.1', '*.hooks.example.com'];

beforeEach(async () => {
  store = await openStore(':memory:');
  const metrics = new ControllerMetrics();
  runHost = new RunHost({ store, registry, metrics });
  const clock = createManualClock(new Date('2026-03-02T10:00:00Z'));
  schedules = new ScheduleService({ store, runHost, parse: experimentParser(registry, { allowHosts }), allowHosts, ticker: createManualTicker(), clock, holderId: 'replica-a' });
  app = await buildApp({ store, registry, runHost, metrics, schedules, rateLimitPerMinute: false, allowHosts, clock });
  runner = (await store.createToken({ name: 'ci', scopes: ['run'] })).secret;
});
afterEach(async () => {
  await schedules.stop();
  await runHost.close();
  await app.close();
  await store.close();
});

describe('notify webhook and Grafana URLs against the controller allow-list', () => {
  it('refuses a submitted experiment whose webhook or Grafana host is not allowed, naming each', async () => {
    const res = await app.inject({
      method: 'POST', url: '/v1/experiments', headers: { authorization: `Bearer ${runner}` },
      payload: { definition: definition({ hook: 'https://collector.evil.test/x', grafana: 'http://grafana.internal:3000' }) },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('FL_SPEC_INVALID');
    expect(body.issues.map((i: { path: string }) => i.path)).toEqual(['spec.notify[0].webhook.url', 'spec.annotations[0].grafana.url']);
    expect(body.message).toContain('notify webhook "change-log" may not call host "collector.evil.test": it is not in the controller\'s allowHosts setting (allowed: 127.0.0.1, *.hooks.example.com)');
    expect(body.message).toContain('Grafana annotations "ops-grafana" may not call host "grafana.internal"');
    // Inline run submissions go through the same parser.
    const run = await app.inject({
      method: 'POST', url: '/v1/runs', headers: { authorization: `Bearer ${runner}` },
      payload: { definition: definition({ hook: 'http://127.0.0.1:9/x', grafana: 'http://grafana.internal:3000' }) },
    });
    expect(run.statusCode).toBe(400);
    expect(run.json().issues.map((i: { path: string }) => i.path)).toEqual(['spec.annotations[0].grafana.url']);
  });

  it('accepts allowed hosts (exact and wildcard); a literal Slack URL is checked too, a secret reference is not', async () => {
    const ok = await app.inject({
      method: 'POST', url: '/v1/experiments', headers: { authorization: `Bearer ${runner}` },
      payload: { definition: definition({ hook: 'https://ci.hooks.example.com/x', grafana: 'http://127.0.0.1:3000' }) },
    });
    expect(ok.statusCode).toBeLessThan(300);
    const parse = experimentParser(registry, { allowHosts });
    await expect(parse(definition({ hook: 'http://127.0.0.1/x', grafana: 'http://127.0.0.1:3000', slack: '"https://hooks.slack.com/services/T/B/x"' }), 'exp.yaml')).rejects.toThrow(
      /spec\.notify\[1\]\.slack\.url.*notify webhook "team-channel" may not call host "hooks.slack.com"/,
    );
    // Without an allow-list (the default), every host is fine.
    await expect(experimentParser(registry)(definition({ hook: 'https://collector.evil.test/x', grafana: 'http://grafana.internal:3000' }), 'exp.yaml')).resolves.toMatchObject({ metadata: { name: 'outbound' } });
  });

  it('a schedule whose heads-up webhook names another host is refused too', async () => {
    const headers = { authorization: `Bearer ${runner}` };
    const stored = await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: { definition: definition({ hook: 'http://127.0.0.1/x', grafana: 'http://127.0.0.1:3000' }) } });
    expect(stored.statusCode).toBeLessThan(300);
    const schedule = (url: string) => `apiVersion: faultline.dev/v1
kind: Schedule
metadata: { name: weekly }
spec:
  experiment: outbound
  cron: "0 10 * * mon"
  timeZone: UTC
  notify:
    - name: team
      slack: { url: "${url}" }
      on: [heads-up]
`;
    const refused = await app.inject({ method: 'POST', url: '/v1/schedules', headers, payload: { definition: schedule('https://hooks.slack.com/services/T/B/x') } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues).toEqual([expect.objectContaining({ path: 'spec.notify[0].slack.url', found: 'hooks.slack.com' })]);
    const ok = await app.inject({ method: 'POST', url: '/v1/schedules', headers, payload: { definition: schedule('https://ci.hooks.example.com/x') } });
    expect(ok.statusCode).toBeLessThan(300);
  });
});
