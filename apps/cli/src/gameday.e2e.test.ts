import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DayEvent } from '@faultline/gameday';
import { useProxyWorkspace } from './test-support/workspace.js';
import { spawnCli } from './test-support/spawn-cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));

const ws = useProxyWorkspace('gameday');

const toxics = () => ws.toxics();

const experimentStep = (title: string, name: string, hold: string, expect = 'completed') => `    - title: ${title}
      experiment:
        expect: ${expect}
        inline:
          apiVersion: faultline.dev/v1
          kind: Experiment
          metadata: { name: ${name} }
          spec:
            duration: ${hold}
            targets: { redis: { toxiproxy: { api: "${ws.proxy.url}", proxy: redis } } }
            faults: [{ name: slow, type: toxiproxy.latency, target: redis, with: { latency: 200ms } }]
`;

async function dayFile(steps: string): Promise<string> {
  const file = path.join(ws.dir, 'day.gameday.yaml');
  await writeFile(file, `apiVersion: faultline.dev/v1
kind: GameDay
metadata: { name: tmux-day, facilitator: alice }
spec:
  steps:
${steps}`);
  return file;
}

async function dayEvents(stateDir: string): Promise<DayEvent[]> {
  const days = await readdir(path.join(stateDir, 'gamedays'));
  expect(days).toHaveLength(1);
  return readFileSync(path.join(stateDir, 'gamedays', days[0] as string), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DayEvent);
}

/** Polls until `cond` holds (no fixed sleeps); fails with `what` and the last state after `limitMs`. */
async function until<T>(what: string, probe: () => T | Promise<T>, cond: (v: T) => boolean, limitMs = 60_000): Promise<T> {
  const started = process.hrtime.bigint();
  for (;;) {
    const v = await probe();
    if (cond(v)) return v;
    if (Number(process.hrtime.bigint() - started) / 1e6 > limitMs) throw new Error(`gave up waiting for ${what}; last state:\n${String(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('faultline gameday run in a terminal (tmux)', () => {
  const socket = `faultline-gd-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'gd', '-S', '-400');
  const keys = (...k: string[]) => tmux('send-keys', '-t', 'gd', ...k);
  afterEach(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });

  it('ticks, notes, aborts a step (reverted), answers a gate with a note, halts the day (reverted)', async () => {
    const file = await dayFile(`    - title: Warm up
      checklist: { items: [Status page updated, Dashboards open] }
${experimentStep('First break', 'first-break', '5m')}    - title: Paged?
      gate: { question: Was on-call paged?, default: no-go, timeout: 30m }
${experimentStep('Second break', 'second-break', '5m')}    - title: Never reached
      wait: { duration: 1s }
`);
    const stateDir = path.join(ws.dir, 'state');
    const exitFile = path.join(ws.dir, 'exit-code');
    const cmd = `cd ${root} && NO_COLOR=1 ${process.execPath} --conditions=@faultline/source --import tsx ${bin} gameday run ${file} --state-dir ${stateDir}; echo $? > ${exitFile}`;
    tmux('new-session', '-d', '-s', 'gd', '-x', '160', '-y', '50', cmd);

    await until('the checklist', screen, (s) => s.includes('press a number to tick'));
    keys('2');
    await until('the tick', screen, (s) => s.includes('☑ Dashboards open'));
    keys('c');
    await until('the first fault', screen, (s) => s.includes('⚡ slow on redis'));
    expect(await toxics()).toHaveLength(1);
    keys('n');
    await until('the note prompt', screen, (s) => s.includes('note on step 2:'));
    keys('-l', 'checkout p99 doubled');
    keys('Enter');
    await until('the note', screen, (s) => s.includes('✎ checkout p99 doubled'));
    keys('a');
    await until('the aborted step', screen, (s) => s.includes('■ aborted step 2'));
    expect(await toxics()).toEqual([]);

    await until('the gate', screen, (s) => s.includes('g go · s skip next step · x no-go'));
    keys('g');
    await until('the answer prompt', screen, (s) => s.includes('answer go; note (optional):'));
    keys('-l', 'paged at 10:02');
    keys('Enter');
    await until('the second fault', screen, (s) => s.split('⚡ slow on redis').length === 3);
    expect(await toxics()).toHaveLength(1);
    keys('h');
    await until('the halt question', screen, (s) => s.includes('halt the whole day?'));
    keys('y');
    await until('the exit code', () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : ''), (c) => c !== '');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('2');
    expect(await toxics()).toEqual([]);

    const events = await dayEvents(stateDir);
    const ended = events.filter((e) => e.type === 'step-ended').map((e) => e.type === 'step-ended' && `${e.step}:${e.status}`);
    expect(ended).toEqual(['0:done', '1:aborted', '2:done', '3:aborted', '4:not-run']);
    expect(events.find((e) => e.type === 'checklist-ticked')).toMatchObject({ step: 0, item: 1, text: 'Dashboards open' });
    expect(events.find((e) => e.type === 'note')).toMatchObject({ step: 1, text: 'checkout p99 doubled', by: 'facilitator' });
    expect(events.find((e) => e.type === 'gate-answered')).toMatchObject({ step: 2, answer: 'go', note: 'paged at 10:02', by: 'facilitator' });
    expect(events.find((e) => e.type === 'halt')).toMatchObject({ step: 3 });
    expect(events.at(-1)).toMatchObject({ type: 'day-ended', outcome: 'halted' });
  }, 240_000);
});

describe('faultline gameday resume after SIGKILL', () => {
  it('reverts the toxic the killed process left, then continues with the next step', async () => {
    const file = await dayFile(`${experimentStep('Long break', 'long-break', '10m')}    - title: Afterwards
      wait: { duration: 100ms }
${experimentStep('Short break', 'short-break', '200ms')}`);
    const stateDir = path.join(ws.dir, 'state');
    const run = spawnCli(['gameday', 'run', file, '--state-dir', stateDir]);
    await run.waitForLine((l) => l.includes('⚡ slow on redis'), 60_000);
    run.child.kill('SIGKILL');
    await run.exit;
    // the leftover that resume must remove
    expect(await toxics()).toHaveLength(1);

    const resume = spawnCli(['gameday', 'resume', '--yes', '--state-dir', stateDir]);
    expect(await resume.exit).toBe(1); // the interrupted step counts as aborted: the day did not pass
    expect(resume.stdout()).toMatch(/aborted\s+Long break\s+← the process stopped here/);
    expect(resume.stdout()).toMatch(/reverted slow on redis/);
    expect(await toxics()).toEqual([]);

    const events = await dayEvents(stateDir);
    const ended = events.filter((e) => e.type === 'step-ended').map((e) => e.type === 'step-ended' && `${e.step}:${e.status}:${e.by ?? ''}`);
    expect(ended).toEqual(['0:aborted:recover', '1:done:', '2:passed:']);
    expect(events.find((e) => e.type === 'resumed')).toMatchObject({ decision: 'continue', fromStep: 1, recovered: [{ step: 0, action: 'reverted' }] });
    expect(events.at(-1)).toMatchObject({ type: 'day-ended', outcome: 'failed' });

    const again = spawnCli(['gameday', 'resume', '--yes', '--state-dir', stateDir]);
    expect(await again.exit).toBe(64);
    expect(again.stderr()).toMatch(/no unfinished game day/);
  }, 240_000);
});

// The demo shop's budgets are real (the fragile storefront gives up after 1 s), so on a machine with a load
// average far above its cores even the steady state fails before anything is injected. Opt in where the
// machine is not starved: FAULTLINE_DEMO_E2E=1.
describe.skipIf(process.env.FAULTLINE_DEMO_E2E !== '1')('faultline demo --gameday', () => {
  it('runs the example day against the demo shop unattended and writes one HTML and one Markdown report', async () => {
    const stateDir = path.join(ws.dir, 'state');
    const html = path.join(ws.dir, 'day.html');
    const md = path.join(ws.dir, 'day.md');
    const demo = spawnCli(['demo', '--gameday', '--yes', '--duration', '8s', '--state-dir', stateDir, '--report', html, '--markdown', md], { env: { GAMEDAY_SETTLE: '1s' } });
    expect(await demo.exit, demo.stdout() + demo.stderr()).toBe(0);
    expect(demo.stdout()).toMatch(/PASSED — every experiment step ended with its expected verdict/);
    const text = readFileSync(md, 'utf8');
    expect(text).toMatch(/\| 2 \| Slow inventory under the fragile storefront \(experiment\) \| passed \| aborted \| aborted ✓ \| \d/);
    expect(text).toMatch(/\| 5 \| Same fault, resilient storefront \(experiment\) \| passed \| completed \| completed ✓ \|/);
    expect(readFileSync(html, 'utf8')).toContain('Faultline game day report');
  }, 240_000);
});
