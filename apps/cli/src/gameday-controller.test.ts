import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startController, type Controller } from '@faultline/controller';
import type { DayEvent } from '@faultline/gameday';
import { FakeBackend, fakePlugin, scriptedProbe } from '@faultline/testing';
import { main } from './index.js';
import { captureIo } from './test-support/capture-io.js';

let controller: Controller;
let backend: FakeBackend;
let facilitator: string;
let participant: string;

beforeEach(async () => {
  backend = new FakeBackend();
  backend.addTargets(2);
  controller = await startController({
    database: ':memory:', port: 0, scheduler: false,
    plugins: [fakePlugin(backend, { probes: [scriptedProbe('ok', () => ({ value: 'ok' }))] })],
  });
  facilitator = (await controller.store.createToken({ name: 'alice', scopes: ['run'] })).secret;
  participant = (await controller.store.createToken({ name: 'bob', scopes: ['read'] })).secret;
});
afterEach(async () => {
  await controller.close();
});

const experiment = (name: string, duration: string) => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  targets: { things: { fake: {} } }
  faults: [{ name: break, type: fake.break, target: things }]
`;

function call(token: string, method: string, route: string, body?: unknown) {
  return fetch(`${controller.url}${route}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

/** Reads the day's SSE stream until it ends (day-ended), handing every event to `on`. */
async function follow(dayId: string, on: (e: DayEvent) => void): Promise<DayEvent[]> {
  const res = await call(participant, 'GET', `/v1/gamedays/${dayId}/events`);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: DayEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let i;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const data = frame.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const e = JSON.parse(data.slice(6)) as DayEvent;
      events.push(e);
      on(e);
    }
  }
  return events;
}

const cliIo = () => captureIo(process.cwd(), { FAULTLINE_SERVER: controller.url, FAULTLINE_TOKEN: participant });

describe('game days on the controller over HTTP', () => {
  it('facilitator starts a day; a participant follows it (SSE) and adds notes from another client; gates need the run scope', async () => {
    expect((await call(facilitator, 'POST', '/v1/experiments', { definition: experiment('long-break', '10m') })).status).toBe(201);
    const definition = `apiVersion: faultline.dev/v1
kind: GameDay
metadata: { name: http-day, facilitator: alice, participants: [bob] }
spec:
  steps:
    - title: Stored experiment
      experiment: { file: long-break.yaml }
    - title: Go on?
      gate: { question: Was on-call paged?, default: no-go, timeout: 30m }
    - title: Inline experiment
      experiment:
        inline:
${experiment('short-break', '50ms').split('\n').map((l) => `          ${l}`).join('\n')}
`;
    expect((await call(participant, 'POST', '/v1/gamedays', { definition })).status).toBe(403);
    const bad = await call(facilitator, 'POST', '/v1/gamedays', { definition: definition.replace('long-break.yaml', 'missing.yaml') });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/no stored experiment \\"missing\\"/);

    const started = await call(facilitator, 'POST', '/v1/gamedays', { definition });
    expect(started.status).toBe(202);
    const { dayId } = (await started.json()) as { dayId: string };

    let acted = false;
    let answered = false;
    const stream = follow(dayId, (e) => {
      if (e.type === 'step-run' && e.step === 0 && !acted) {
        acted = true;
        void (async () => {
          // the run is live: wait for its fault, then the participant's note arrives from the CLI
          while (backend.active.size === 0) await new Promise((r) => setImmediate(r));
          const io = cliIo();
          expect(await main(['gameday', 'note', dayId, 'checkout 504s on the dashboard'], io)).toBe(0);
          expect(io.out).toMatch(/noted on step 1 .* as bob/);
          expect((await call(participant, 'POST', `/v1/gamedays/${dayId}/abort-step`)).status).toBe(403);
          expect((await call(facilitator, 'POST', `/v1/gamedays/${dayId}/abort-step`, { reason: 'seen enough' })).status).toBe(200);
        })();
      }
      if (e.type === 'step-started' && e.step === 1 && !answered) {
        answered = true;
        void (async () => {
          expect((await call(participant, 'POST', `/v1/gamedays/${dayId}/gate`, { answer: 'go' })).status).toBe(403);
          while ((await (await call(participant, 'GET', `/v1/gamedays/${dayId}`)).json() as { status: { waitingFor?: string } }).status.waitingFor !== 'gate') await new Promise((r) => setImmediate(r));
          expect((await call(facilitator, 'POST', `/v1/gamedays/${dayId}/gate`, { answer: 'go', note: 'paged after 40s' })).status).toBe(200);
        })();
      }
    });
    const events = await stream;
    expect(backend.active.size).toBe(0);
    expect(events.find((e) => e.type === 'note')).toMatchObject({ step: 0, text: 'checkout 504s on the dashboard', by: 'bob' });
    expect(events.find((e) => e.type === 'gate-answered')).toMatchObject({ answer: 'go', note: 'paged after 40s', by: 'alice' });
    const ended = events.filter((e) => e.type === 'step-ended').map((e) => e.type === 'step-ended' && `${e.step}:${e.status}`);
    expect(ended).toEqual(['0:aborted', '1:done', '2:passed']);
    expect(events.at(-1)).toMatchObject({ type: 'day-ended', outcome: 'failed' });
    // every step's run is an ordinary run in the store, labelled with the day
    const runIds = events.flatMap((e) => (e.type === 'step-run' ? [e.runId] : []));
    expect(runIds).toHaveLength(2);
    for (const id of runIds) expect((await controller.store.getRun(id))?.labels).toMatchObject({ 'faultline.dev/gameday': 'http-day' });

    const md = await (await call(participant, 'GET', `/v1/gamedays/${dayId}/report?format=md`)).text();
    expect(md).toContain('**bob:** checkout 504s on the dashboard');
    expect(md).toContain('| 3 | Inline experiment (experiment) | passed | completed | completed ✓ |');
    const page = await call(participant, 'GET', `/v1/gamedays/${dayId}/report`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);

    // a finished day takes no more notes
    const late = cliIo();
    expect(await main(['gameday', 'note', dayId, 'too late'], late)).toBe(3);
    expect(late.err).toMatch(/already ended failed/);
  });

  it('reruns a day from its failed step and clones it from the CLI; one report compares the three; list and resume say where each day stands', async () => {
    const definition = `apiVersion: faultline.dev/v1
kind: GameDay
metadata: { name: series-day, facilitator: alice }
spec:
  steps:
    - title: Go?
      gate: { question: Ready?, default: go }
    - title: Expect the guard
      experiment:
        expect: aborted
        inline:
${experiment('quick-break', '20ms').split('\n').map((l) => `          ${l}`).join('\n')}
`;
    const done = async (id: string) => {
      for (;;) {
        const d = (await (await call(participant, 'GET', `/v1/gamedays/${id}`)).json()) as { state: string; outcome?: string };
        if (d.state === 'ended') return d;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const started = await call(facilitator, 'POST', '/v1/gamedays', { definition, unattended: true });
    const { dayId } = (await started.json()) as { dayId: string };
    expect(await done(dayId)).toMatchObject({ outcome: 'failed' }); // the experiment completed; aborted was expected

    const io = () => Object.assign(cliIo(), {});
    const rerun = io();
    rerun.env.FAULTLINE_TOKEN = facilitator;
    expect(await main(['gameday', 'rerun', dayId, '--server', controller.url], rerun)).toBe(0);
    const rerunId = /started on the controller as (d[0-9a-z]{12}) \(from step 2\)/.exec(rerun.out)?.[1] as string;
    expect(rerunId).toBeDefined();
    const clone = io();
    clone.env.FAULTLINE_TOKEN = facilitator;
    expect(await main(['gameday', 'clone', dayId, '--server', controller.url], clone)).toBe(0);
    const cloneId = /as (d[0-9a-z]{12}) \(from step 1\)/.exec(clone.out)?.[1] as string;
    await done(rerunId);
    await done(cloneId);
    const rerunEvents = (await (await call(participant, 'GET', `/v1/gamedays/${rerunId}`)).json()) as { events: DayEvent[] };
    expect(rerunEvents.events[0]).toMatchObject({ type: 'day-created', origin: { kind: 'rerun', dayId, fromStep: 1 } });
    expect(rerunEvents.events.filter((e) => e.type === 'step-ended').map((e) => e.type === 'step-ended' && `${e.step}:${e.status}`)).toEqual(['0:skipped', '1:failed']);
    expect((await call(participant, 'POST', `/v1/gamedays/${dayId}/rerun`, {})).status).toBe(403);
    const outOfRange = await call(facilitator, 'POST', `/v1/gamedays/${dayId}/rerun`, { fromStep: 3 });
    expect(outOfRange.status).toBe(400);
    expect(JSON.stringify(await outOfRange.json())).toMatch(/step 3 does not exist/);

    const report = io();
    expect(await main(['gameday', 'report', dayId, rerunId, cloneId, '--server', controller.url, '--format', 'json'], report)).toBe(0);
    const compared = JSON.parse(report.out) as { days: { dayId: string; origin?: { kind: string } }[]; steps: { same: boolean; cells: ({ status: string } | undefined)[] }[] };
    expect(compared.days.map((d) => d.dayId)).toEqual([dayId, rerunId, cloneId]);
    expect(compared.days.map((d) => d.origin?.kind)).toEqual([undefined, 'rerun', 'clone']);
    expect(compared.steps[0]?.cells.map((c) => c?.status)).toEqual(['done', 'skipped', 'done']);
    expect(compared.steps[0]?.same).toBe(false);
    expect(compared.steps[1]?.same).toBe(true);
    const html = await call(participant, 'GET', `/v1/gamedays/compare?days=${dayId},${rerunId}`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect((await call(participant, 'GET', `/v1/gamedays/compare?days=${dayId}`)).status).toBe(400);

    const list = (await (await call(participant, 'GET', '/v1/gamedays')).json()) as { gamedays: { dayId: string; state: string; finished: boolean; outcome?: string }[] };
    expect(list.gamedays.filter((d) => [dayId, rerunId, cloneId].includes(d.dayId)).map((d) => `${d.state}:${String(d.finished)}:${d.outcome ?? ''}`)).toEqual(['ended:true:failed', 'ended:true:failed', 'ended:true:failed']);
    const resume = await call(facilitator, 'POST', `/v1/gamedays/${dayId}/resume`, { decision: 'continue' });
    expect(resume.status).toBe(409);
    expect(JSON.stringify(await resume.json())).toMatch(/already ended failed/);
    // A day with a start time is journaled at once and waits; a halt ends the wait.
    expect((await call(facilitator, 'POST', '/v1/gamedays', { definition, startAt: 'tomorrow' })).status).toBe(400);
    const later = (await (await call(facilitator, 'POST', '/v1/gamedays', { definition, startAt: '2099-01-01T09:00:00Z' })).json()) as { dayId: string };
    for (;;) {
      const d = (await (await call(participant, 'GET', `/v1/gamedays/${later.dayId}`)).json()) as { status: { endsAtMs?: number }; events: DayEvent[] };
      if (d.status.endsAtMs !== undefined) {
        expect(d.status.endsAtMs).toBe(Date.parse('2099-01-01T09:00:00Z'));
        expect(d.events.map((e) => e.type)).toEqual(['day-created', 'day-waiting']);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await call(facilitator, 'POST', `/v1/gamedays/${later.dayId}/halt`, { reason: 'postponed' })).status).toBe(200);
    expect(await done(later.dayId)).toMatchObject({ outcome: 'halted' });

    const resumeCli = io();
    resumeCli.env.FAULTLINE_TOKEN = facilitator;
    expect(await main(['gameday', 'resume', dayId, '--server', controller.url, '--decision', 'retry'], resumeCli)).toBe(3);
    expect(resumeCli.err).toMatch(/already ended failed/);
  });
});
