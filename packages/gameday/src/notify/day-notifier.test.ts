import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManualClock, createSecretResolver, newRunId } from '@faultline/core';
import { Engine, envSecretSource, verifySignature } from '@faultline/engine';
import { experiment, FakeBackend, fakeRegistry, MemoryJournal } from '@faultline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGameDay } from '../spec/parse-gameday.js';
import { MemoryDayJournal } from '../journal/file-day-journal.js';
import { DayRunner } from '../machine/day-runner.js';
import type { GameDay } from '../model.js';

interface Received { path: string; headers: http.IncomingHttpHeaders; body: string }

/** A real webhook receiver on 127.0.0.1: /ok answers 204, /broken 500, /slow never answers (use its own receiver, as clients pool connections per origin). */
async function receiver(): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const entry: Received = { path: req.url ?? '', headers: req.headers, body: '' };
    got.push(entry);
    req.on('data', (c: Buffer) => { entry.body += c.toString('utf8'); });
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) return; // reads the body, never answers: the sender's timeout must end it
      res.statusCode = req.url?.startsWith('/broken') ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, got, close: () => { server.closeAllConnections(); return new Promise((r) => server.close(() => r())); } };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of closers.splice(0)) await c(); });

const SECRET_TOKEN = 'tok-9f8e7d6c5b4a';

describe('notify: on game days', () => {
  it('tells webhooks about the day, its steps and a waiting gate; secret-reference URLs and keys, signatures, timeouts and retries; failures are noted in the day without the secret', async () => {
    const rx = await receiver();
    const hang = await receiver();
    closers.push(rx.close, hang.close);
    const text = `apiVersion: faultline.dev/v1
kind: GameDay
metadata: { name: notify-day, facilitator: alice }
spec:
  notify:
    - name: team-hook
      webhook: { url: { secretRef: { env: HOOK_URL } }, secret: { secretRef: { env: HOOK_KEY } } }
    - name: chat
      on: [gate-waiting, day-ended, day-aborted]
      slack: { url: ${rx.url}/ok/slack }
    - name: broken
      on: [day-started]
      retries: 1
      webhook: { url: { secretRef: { env: BROKEN_URL } } }
    - name: slow
      on: [day-started]
      timeout: 1500ms
      retries: 0
      webhook: { url: ${hang.url}/slow }
  steps:
    - title: Ready?
      gate: { question: Is on-call ready?, default: no-go, timeout: 10m }
    - title: Break it
      experiment:
        inline: { apiVersion: faultline.dev/v1, kind: Experiment, metadata: { name: x }, spec: { duration: 1s, targets: { t: { fake: {} } }, faults: [{ name: f, type: fake.break, target: t }] } }
`;
    const backend = new FakeBackend();
    backend.addTargets(1);
    const registry = fakeRegistry(backend);
    const parsed = parseGameDay(text, { file: 'notify.yaml', registry });
    expect(parsed.spec.notify?.map((n) => `${n.name}:${n.on.join(',')}:${n.timeoutMs}:${n.retries}`)).toEqual([
      'team-hook:heads-up,day-started,step-started,step-ended,gate-waiting,day-ended,day-aborted:3000:2',
      'chat:gate-waiting,day-ended,day-aborted:3000:2', 'broken:day-started:3000:1', 'slow:day-started:1500:0',
    ]);
    // The real experiment step is replaced by a short one (the fake's duration): the notify part is under test.
    const day: GameDay = { ...parsed, spec: { ...parsed.spec, steps: parsed.spec.steps.map((s) => (s.kind === 'experiment' ? { ...s, experiment: experiment({ name: 'x', durationMs: 10 }) } : s)) } };
    const secrets = createSecretResolver([envSecretSource({ HOOK_URL: `${rx.url}/ok/team`, HOOK_KEY: 'k3y', BROKEN_URL: `${rx.url}/broken/${SECRET_TOKEN}` })]);
    const journal = new MemoryDayJournal(createManualClock('2026-03-01T09:00:00Z'));
    const engine = new Engine({ registry, journal: new MemoryJournal() });
    const runner = new DayRunner({
      day, journal, registry, secrets, pollMs: 2, newRunId: () => newRunId(),
      startRun: (exp, o) => engine.start(exp, o.runId ? { runId: o.runId } : {}),
    });
    while (runner.status().waitingFor !== 'gate') await new Promise((r) => setImmediate(r));
    // the gate-waiting notice reaches the chat before anyone answers
    while (!rx.got.some((g) => g.path === '/ok/slack')) await new Promise((r) => setTimeout(r, 5));
    runner.answerGate('go', { by: 'alice' });
    const result = await runner.done;
    expect(result.outcome).toBe('passed');

    const team = rx.got.filter((g) => g.path === '/ok/team').map((g) => JSON.parse(g.body) as { type: string; step?: number; status?: string; question?: string });
    expect(team.map((b) => `${b.type}${b.step ? `:${b.step}` : ''}${b.status ? `:${b.status}` : ''}`).sort()).toEqual([
      'faultline.gameday.day-ended', 'faultline.gameday.day-started', 'faultline.gameday.gate-waiting:1',
      'faultline.gameday.step-ended:1:done', 'faultline.gameday.step-ended:2:passed', 'faultline.gameday.step-started:1', 'faultline.gameday.step-started:2',
    ].sort());
    for (const g of rx.got.filter((x) => x.path === '/ok/team')) {
      expect(verifySignature({ secret: 'k3y', body: g.body, timestamp: g.headers['x-faultline-timestamp'] as string, signature: g.headers['x-faultline-signature'] as string, nowSeconds: Number(g.headers['x-faultline-timestamp']) })).toBe(true);
    }
    const chat = rx.got.filter((g) => g.path === '/ok/slack').map((g) => JSON.parse(g.body) as { text: string });
    expect(chat.map((c) => c.text.split('\n')[0])).toEqual(['Game day notify-day waits for the facilitator at step 1/2 "Ready?": Is on-call ready?', 'Game day notify-day ended passed: 1 of 1 experiment step(s) ended as expected']);
    expect(rx.got.filter((g) => g.path.startsWith('/broken'))).toHaveLength(2); // one try plus one retry
    expect(hang.got.map((g) => g.path)).toEqual(['/slow']);

    const events = await journal.read(runner.dayId);
    const notes = events.flatMap((e) => (e.type === 'note' && e.by === 'faultline notify' ? [e.text] : []));
    expect(notes.sort()).toEqual([
      'notify "broken": could not deliver day-started after 2 attempts: answered 500',
      'notify "slow": could not deliver day-started after 1 attempt: no answer within 1500ms',
    ]);
    expect(JSON.stringify(events)).not.toContain(SECRET_TOKEN);
    expect(JSON.stringify(events)).not.toContain('k3y');
    expect(backend.active.size).toBe(0);
  });

  it('sends each webhook its heads-up its lead time before a day with a start time, on the injected clock; steps wait for the start', async () => {
    const rx = await receiver();
    closers.push(rx.close);
    const backend = new FakeBackend();
    const registry = fakeRegistry(backend);
    const day = parseGameDay(`apiVersion: faultline.dev/v1
kind: GameDay
metadata: { name: later-day }
spec:
  notify:
    - { name: early, on: [heads-up], headsUp: 1h, webhook: { url: ${rx.url}/ok/early } }
    - { name: late, on: [heads-up, day-started], headsUp: 10m, webhook: { url: ${rx.url}/ok/late } }
  steps:
    - { title: Go?, gate: { question: Go?, default: go } }
`, { file: 'later.yaml', registry });
    const clock = createManualClock('2026-03-01T09:00:00Z');
    const startsAtMs = clock.nowMs() + 30 * 60_000;
    const journal = new MemoryDayJournal(clock);
    const runner = new DayRunner({ day, journal, registry, clock, unattended: true, pollMs: 2, startsAtMs, startRun: () => { throw new Error('no experiments here'); } });
    const seen = (path: string) => rx.got.filter((g) => g.path === path).map((g) => JSON.parse(g.body) as { type: string; startsAt?: string });
    // the 1h lead time has already come: the early heads-up goes out at once; the late one waits
    while (seen('/ok/early').length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(seen('/ok/early')).toMatchObject([{ type: 'faultline.gameday.heads-up', startsAt: '2026-03-01T09:30:00.000Z' }]);
    expect(runner.status()).toMatchObject({ endsAtMs: startsAtMs, finished: false });
    clock.advance(19 * 60_000);
    await new Promise((r) => setTimeout(r, 30));
    expect(seen('/ok/late')).toEqual([]);
    clock.advance(60_000); // 10 minutes before the start
    while (seen('/ok/late').length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(seen('/ok/late').map((b) => b.type)).toEqual(['faultline.gameday.heads-up']);
    expect((await journal.read(runner.dayId)).map((e) => e.type)).toEqual(['day-created', 'day-waiting']);
    clock.advance(10 * 60_000);
    expect((await runner.done).outcome).toBe('passed');
    expect(seen('/ok/late').map((b) => b.type)).toEqual(['faultline.gameday.heads-up', 'faultline.gameday.day-started']);
    expect(seen('/ok/early')).toHaveLength(1);
    const steps = (await journal.read(runner.dayId)).filter((e) => e.type === 'step-started');
    expect(steps.map((e) => e.at)).toEqual(['2026-03-01T09:30:00.000Z']);
  });
});
