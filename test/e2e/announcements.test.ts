import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '@faultline/core';
import { defaultSecretResolver, Engine, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@faultline/engine';
import { parseExperiment } from '@faultline/spec';
import { experiment, FakeBackend, fakeRegistry, MemoryJournal, scriptedProbe } from '@faultline/testing';
import { startGrafanaStandIn, type GrafanaStandIn } from '../fixtures/grafana-stand-in/index.js';

// Webhooks and Grafana annotations against real HTTP servers on loopback.

interface Hook { url: string; received: Array<{ body: string; headers: http.IncomingHttpHeaders }>; release(): void; close(): Promise<void> }

/**
 * `mode` ok: 200; fail: 500; hang: never answers (the client's timeout must end it); gated: holds every
 * answer until release(), then answers 500.
 */
async function startHook(mode: 'ok' | 'fail' | 'hang' | 'gated' = 'ok'): Promise<Hook> {
  const received: Hook['received'] = [];
  const held: http.ServerResponse[] = [];
  let released = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      if (mode === 'hang') return;
      if (mode === 'gated' && !released) {
        held.push(res);
        return;
      }
      res.writeHead(mode === 'ok' ? 200 : 500).end(mode === 'ok' ? 'ok' : 'internal error');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received,
    release() {
      released = true;
      for (const res of held.splice(0)) res.writeHead(500).end('internal error');
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
const hook = async (mode?: 'ok' | 'fail' | 'hang' | 'gated') => { const h = await startHook(mode); closers.push(h.close); return h; };
const grafana = async (): Promise<GrafanaStandIn> => { const g = await startGrafanaStandIn({ token: 'glsa_stand_in_token' }); closers.push(g.close); return g; };

describe('notify: and annotations: in the experiment file', () => {
  it('parse into core specs with defaults; secrets stay references', () => {
    const exp = parseExperiment(`apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: announced }
spec:
  duration: 1m
  targets: { t: { fake: {} } }
  faults: [{ name: f, type: fake.break, target: t }]
  notify:
    - name: chaos-channel
      slack: { url: { secretRef: { env: SLACK_WEBHOOK_URL } } }
    - name: audit
      webhook: { url: "https://hooks.example/faultline", secret: { secretRef: { file: /run/secrets/hook } } }
      on: [guard-breach, revert-pending]
      timeout: 1s
      retries: 0
  annotations:
    - name: ops-grafana
      grafana: { url: "https://grafana.example/", token: { secretRef: { env: GRAFANA_TOKEN } }, dashboardUID: abc, tags: [chaos] }
`);
    expect(exp.spec.notify).toEqual([
      { name: 'chaos-channel', kind: 'slack', url: { secretRef: { env: 'SLACK_WEBHOOK_URL' } }, on: ['started', 'guard-breach', 'aborted', 'completed', 'failed', 'revert-pending'], timeoutMs: 3000, retries: 2 },
      { name: 'audit', kind: 'webhook', url: 'https://hooks.example/faultline', secret: { secretRef: { file: '/run/secrets/hook' } }, on: ['guard-breach', 'revert-pending'], timeoutMs: 1000, retries: 0 },
    ]);
    expect(exp.spec.annotations).toEqual([{ name: 'ops-grafana', url: 'https://grafana.example', token: { secretRef: { env: 'GRAFANA_TOKEN' } }, dashboardUID: 'abc', tags: ['chaos'], timeoutMs: 3000 }]);
  });
});

describe('run announcements', () => {
  it('Slack and signed webhooks get started/guard-breach/aborted; Grafana gets one closed region per fault window', async () => {
    const slack = await hook();
    const signed = await hook();
    const g = await grafana();
    g.dashboards.add('chaos-board');
    const env = { SLACK_URL: slack.url, HOOK_KEY: 'hmac-key-for-tests-91c2', GRAFANA_TOKEN: 'glsa_stand_in_token' };
    const backend = new FakeBackend();
    backend.addTargets(2);
    let calls = 0;
    const registry = fakeRegistry(backend, [scriptedProbe('ok', () => ({ value: ++calls < 3 ? 'ok' : 'down' }))]);
    const exp = {
      ...experiment({ durationMs: 60_000, guards: [{ name: 'checkout', everyMs: 10, breachAfter: 1 }] }),
    };
    const announced = {
      ...exp,
      spec: {
        ...exp.spec,
        notify: [
          { name: 'chaos-channel', kind: 'slack' as const, url: { secretRef: { env: 'SLACK_URL' } }, on: ['started', 'guard-breach', 'aborted'] as const, timeoutMs: 2000, retries: 1 },
          { name: 'audit', kind: 'webhook' as const, url: signed.url, secret: { secretRef: { env: 'HOOK_KEY' } }, on: ['started', 'guard-breach', 'aborted', 'completed'] as const, timeoutMs: 2000, retries: 1 },
        ],
        annotations: [{ name: 'ops', url: g.url, token: { secretRef: { env: 'GRAFANA_TOKEN' } }, dashboardUID: 'chaos-board', tags: ['chaos'], timeoutMs: 2000 }],
      },
    };
    const journal = new MemoryJournal();
    const result = await new Engine({ registry, journal, secrets: defaultSecretResolver([], env) }).start(announced, { runId: 'r000000000001' }).done;
    expect(result.outcome).toBe('aborted');

    // Everything was delivered before the run reported done.
    const slackTexts = slack.received.map((r) => (JSON.parse(r.body) as { text: string; blocks: unknown[] }));
    expect(slackTexts.map((t) => t.text.split(':')[0])).toEqual(['Chaos experiment started', 'Guard breached', 'Chaos experiment aborted; every fault reverted']);
    expect(slackTexts[1]!.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: slackTexts[1]!.text } }]);
    const generic = signed.received.map((r) => JSON.parse(r.body) as { type: string; runId: string; guard?: string });
    expect(generic.map((x) => x.type)).toEqual(['faultline.started', 'faultline.guard-breach', 'faultline.aborted']);
    expect(generic[1]).toMatchObject({ runId: 'r000000000001', guard: 'checkout', experiment: 'fake-experiment' });
    for (const r of signed.received) {
      const ts = Number(r.headers[TIMESTAMP_HEADER]);
      expect(verifySignature({ secret: env.HOOK_KEY, body: r.body, timestamp: String(ts), signature: r.headers[SIGNATURE_HEADER] as string, nowSeconds: ts })).toBe(true);
      expect(verifySignature({ secret: 'wrong', body: r.body, timestamp: String(ts), signature: r.headers[SIGNATURE_HEADER] as string, nowSeconds: ts })).toBe(false);
      expect(verifySignature({ secret: env.HOOK_KEY, body: r.body + ' ', timestamp: String(ts), signature: r.headers[SIGNATURE_HEADER] as string, nowSeconds: ts })).toBe(false);
    }

    // Grafana: one region per fault window (fault x target), tags, closed at the revert time.
    const events = await journal.read('r000000000001');
    const list = [...g.annotations.values()];
    expect(list).toHaveLength(2);
    for (const a of list) {
      expect(a.tags).toEqual(['faultline', 'experiment:fake-experiment', 'run:r000000000001', 'fault:fault-0', 'chaos']);
      expect(a.dashboardUID).toBe('chaos-board');
      const target = a.text.match(/on (t\d) in/)?.[1];
      const injected = events.find((e): e is Extract<JournalEvent, { type: 'fault-injected' }> => e.type === 'fault-injected' && e.targetId === target)!;
      const reverted = events.find((e): e is Extract<JournalEvent, { type: 'fault-reverted' }> => e.type === 'fault-reverted' && e.targetId === target)!;
      expect(a.time).toBe(Date.parse(injected.at));
      expect(a.timeEnd).toBe(Date.parse(reverted.at));
    }
    expect(g.requests.every((r) => r.authorization === 'Bearer glsa_stand_in_token')).toBe(true);
    expect(g.requests.map((r) => r.method).sort()).toEqual(['PATCH', 'PATCH', 'POST', 'POST']);
  });

  it('Grafana calls are retried with backoff on 503: a restarting Grafana still gets its closed region; one that stays down is reported once', async () => {
    const env = { GRAFANA_TOKEN: 'glsa_stand_in_token' };
    const run = async (g: GrafanaStandIn, runId: string) => {
      const backend = new FakeBackend();
      backend.addTargets(1);
      const exp = experiment({ durationMs: 20 });
      const announced = { ...exp, spec: { ...exp.spec, annotations: [{ name: 'ops', url: g.url, token: { secretRef: { env: 'GRAFANA_TOKEN' } }, tags: [], timeoutMs: 2000 }] } };
      const journal = new MemoryJournal();
      const result = await new Engine({ registry: fakeRegistry(backend), journal, secrets: defaultSecretResolver([], env) }).start(announced, { runId }).done;
      expect(result.outcome).toBe('completed');
      expect(backend.active.size).toBe(0);
      return journal.read(runId);
    };

    // Two 503s, then Grafana is back: the third POST lands, the PATCH closes the region at the revert time.
    const restarting = await grafana();
    restarting.failNext(2);
    const events = await run(restarting, 'r000000000003');
    expect(restarting.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'PATCH']);
    const [region] = [...restarting.annotations.values()];
    const reverted = events.find((e): e is Extract<JournalEvent, { type: 'fault-reverted' }> => e.type === 'fault-reverted')!;
    expect(region?.timeEnd).toBe(Date.parse(reverted.at));
    expect(events.filter((e) => e.type === 'note')).toEqual([]);

    // Down for good: 1 + 2 retries, then one note; the run still completes with its fault reverted.
    const down = await grafana();
    down.failNext(1_000);
    const failed = await run(down, 'r000000000004');
    expect(down.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    const notes = failed.filter((e): e is Extract<JournalEvent, { type: 'note' }> => e.type === 'note');
    expect(notes.map((n) => n.message)).toEqual(['annotations "ops": annotating "fault-0" on t0 failed after 3 attempts: Grafana answered 503: Service Unavailable']);
    expect(notes[0]?.data).toMatchObject({ annotations: 'ops', delivered: false, attempts: 3 });
  });

  it('with an allow-list, webhook URLs (also ones resolved from a secret reference) and Grafana outside it are refused at the call and reported', async () => {
    const h = await hook();
    const g = await grafana();
    const backend = new FakeBackend();
    backend.addTargets(1);
    const exp = experiment({ durationMs: 20 });
    const announced = {
      ...exp,
      spec: {
        ...exp.spec,
        notify: [{ name: 'hidden', kind: 'webhook' as const, url: { secretRef: { env: 'HOOK_URL' } }, on: ['started'] as const, timeoutMs: 1000, retries: 2 }],
        annotations: [{ name: 'ops', url: g.url, token: { secretRef: { env: 'GRAFANA_TOKEN' } }, tags: [], timeoutMs: 1000 }],
      },
    };
    const journal = new MemoryJournal();
    const secrets = defaultSecretResolver([], { HOOK_URL: h.url, GRAFANA_TOKEN: 'glsa_stand_in_token' });
    const result = await new Engine({ registry: fakeRegistry(backend), journal, secrets, allowHosts: ['*.example.com'] }).start(announced, { runId: 'r000000000005' }).done;
    expect(result.outcome).toBe('completed');
    expect(backend.active.size).toBe(0);
    expect(h.received).toHaveLength(0);
    expect(g.requests).toHaveLength(0);
    const notes = (await journal.read('r000000000005')).filter((e): e is Extract<JournalEvent, { type: 'note' }> => e.type === 'note').map((e) => e.message);
    const refused = 'host "127.0.0.1" is not in the allowHosts setting (allowed: *.example.com); ask an operator to add it (--allow-host)';
    expect(notes).toEqual([`notify "hidden": could not deliver started after 1 attempt: ${refused}`, `annotations "ops": annotating "fault-0" on t0 failed: ${refused}`]);
  });

  it('a failing or hanging webhook and a refusing Grafana never hold up the revert and are reported in the run', async () => {
    const failing = await hook('fail');
    const hanging = await hook('hang');
    // Answers only after the revert is journaled: the revert provably did not wait for it.
    const gated = await hook('gated');
    const g = await grafana();
    const backend = new FakeBackend();
    backend.addTargets(1);
    const exp = experiment({ durationMs: 20 });
    const announced = {
      ...exp,
      spec: {
        ...exp.spec,
        notify: [
          { name: 'broken', kind: 'webhook' as const, url: failing.url, on: ['started', 'completed'] as const, timeoutMs: 1000, retries: 2 },
          { name: 'slow', kind: 'slack' as const, url: hanging.url, on: ['started'] as const, timeoutMs: 150, retries: 0 },
          { name: 'held', kind: 'webhook' as const, url: gated.url, on: ['started'] as const, timeoutMs: 30_000, retries: 0 },
        ],
        annotations: [{ name: 'ops', url: g.url, token: { secretRef: { env: 'WRONG_TOKEN' } }, tags: [], timeoutMs: 1000 }],
      },
    };
    const journal = new MemoryJournal();
    let heldAtRevert = -1;
    const result = await new Engine({
      registry: fakeRegistry(backend), journal, secrets: defaultSecretResolver([], { WRONG_TOKEN: 'not-the-token' }),
      onEvent: (e) => {
        if (e.type === 'fault-reverted') {
          heldAtRevert = gated.received.length;
          gated.release();
        }
      },
    }).start(announced, { runId: 'r000000000002' }).done;
    expect(result.outcome).toBe('completed');
    expect(backend.active.size).toBe(0);
    const events = await journal.read('r000000000002');
    const notes = events.filter((e): e is Extract<JournalEvent, { type: 'note' }> => e.type === 'note').map((e) => e.message);
    expect(notes).toEqual(expect.arrayContaining([
      'notify "broken": could not deliver started after 3 attempts: answered 500: internal error',
      'notify "broken": could not deliver completed after 3 attempts: answered 500: internal error',
      'notify "slow": could not deliver started after 1 attempt: no answer within 150ms',
      expect.stringMatching(/^annotations "ops": annotating "fault-0" on t0 failed: Grafana answered 401: Invalid API key$/),
    ]));
    // `held` answers only once the fault is reverted: had the engine waited for it, the revert would have
    // come after its 30 s timeout and after its failure note. Its failure is reported after the revert.
    expect(heldAtRevert).toBeGreaterThanOrEqual(0);
    expect(gated.received).toHaveLength(1);
    const seq = (pred: (e: JournalEvent) => boolean) => events.find(pred)!.seq;
    expect(seq((e) => e.type === 'fault-reverted')).toBeLessThan(seq((e) => e.type === 'note' && e.message.startsWith('notify "held": could not deliver started after 1 attempt: answered 500')));
    expect(JSON.stringify(events)).not.toContain('not-the-token');
    expect(failing.received).toHaveLength(6);
  });
});
