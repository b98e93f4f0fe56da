import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isTerminal, replayJournal, seededRandom, type JournalEvent } from '@faultline/core';
import { startEchoUpstream, startProxyFor, toxicNames } from './fixtures.js';
import { getRun, kill9, startReplica, submitRun, until } from './replicas.js';
import { spawnCli } from './spawn-cli.js';
import { main, type CliIo } from '../index.js';

/*
 * Crash torture (issue 14): SIGKILL a real CLI or controller process at a seeded random point of a run
 * (while injecting, holding, reverting, or a random delay after the run began that lands anywhere,
 * journal writes included), then take the recovery path (`faultline recover`, or a live controller replica adopting the
 * run) and check: no fault left on the embedded proxy, and the run in an honest terminal state.
 */

export type KillPoint = 'inject' | 'hold' | 'revert' | 'random';
export type Host = 'cli' | 'controller';

export interface TrialResult {
  trial: number;
  host: Host;
  point: KillPoint;
  /** State the journal showed when the process was killed (last transition written). */
  killedIn: string;
  finalState: string;
  reason: string;
  leftoverToxics: number;
  /** From the kill to a clean backend and a terminal run (recover, or adoption). */
  timeToCleanMs: number;
  ok: boolean;
  problem?: string;
}

const points: readonly KillPoint[] = ['inject', 'hold', 'revert', 'random'];

function experimentText(api: string, duration: string): string {
  return `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: crash-trial }
spec:
  duration: ${duration}
  targets:
    redis: { toxiproxy: { api: "${api}", proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: 20ms } }
`;
}

async function inProcessCli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const x = { out: '', err: '' };
  const io: CliIo = {
    stdout: { write: (s: string) => { x.out += s; return true; } },
    stderr: { write: (s: string) => { x.err += s; return true; } },
    env: { NO_COLOR: '1' } as NodeJS.ProcessEnv,
    cwd,
    onSignal: () => () => undefined,
  };
  return { code: await main(args, io), ...x };
}

async function journalOf(dir: string): Promise<JournalEvent[]> {
  const files = await readdir(path.join(dir, 'runs')).catch(() => [] as string[]);
  const f = files[0];
  if (!f) return [];
  const text = await readFile(path.join(dir, 'runs', f), 'utf8');
  return text.split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l) as JournalEvent];
    } catch {
      return [];
    }
  });
}
const lastState = (events: readonly JournalEvent[]) => replayJournal(events).state;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for the kill point, polling the journal (CLI) or the proxy; `random` waits a seeded delay. */
interface Probe {
  /** The run has begun (journal created / left pending). */
  started(): Promise<boolean>;
  /** A fault-injecting record is written (the inject may be in flight). */
  injecting(): Promise<boolean>;
  reverting(): Promise<boolean>;
  toxics(): Promise<number>;
}

async function waitFor(point: KillPoint, delayMs: number, probe: Probe): Promise<void> {
  const deadline = performance.now() + 120_000;
  const poll = async (pred: () => Promise<boolean>) => {
    while (!(await pred())) {
      if (performance.now() > deadline) throw new Error(`kill point ${point} not reached`);
      await sleep(2);
    }
  };
  if (point === 'random') {
    // Anywhere from the start of the run on: planning, journal writes, inject, hold.
    await poll(() => probe.started());
    return sleep(delayMs);
  }
  if (point === 'inject') return poll(() => probe.injecting());
  if (point === 'hold') {
    await poll(async () => (await probe.toxics()) > 0);
    return sleep(delayMs % 200);
  }
  // revert: the hold is short (300 ms); kill once reverting is journaled, or at the first sign of it
  return poll(() => probe.reverting());
}

/** One seeded trial. */
export async function crashTrial(trial: number, seed: number, host: Host): Promise<TrialResult> {
  const random = seededRandom(seed * 1000 + trial);
  const point = points[Math.floor(random() * points.length)]!;
  const delayMs = Math.floor(random() * 1500);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-crash-'));
  const upstream = await startEchoUpstream();
  const proxy = await startProxyFor('redis', upstream.port);
  const toxics = async () => (await toxicNames(proxy, 'redis')).length;
  const duration = point === 'revert' ? '300ms' : '10m';
  let killedIn = '?';
  try {
    if (host === 'cli') {
      const file = path.join(dir, 'e.yaml');
      await writeFile(file, experimentText(proxy.url, duration));
      const proc = spawnCli(['run', file, '--state-dir', dir]);
      await waitFor(point, delayMs, {
        started: async () => (await journalOf(dir)).length > 0,
        injecting: async () => (await journalOf(dir)).some((e) => e.type === 'fault-injecting'),
        reverting: async () => (await journalOf(dir)).some((e) => e.type === 'transition' && e.to === 'reverting'),
        toxics,
      });
      proc.child.kill('SIGKILL');
      await proc.exit;
      const killedAt = performance.now();
      killedIn = lastState(await journalOf(dir));
      const rec = await inProcessCli(['recover', '--state-dir', dir, '-o', 'json'], dir);
      const events = await journalOf(dir);
      const final = events.length ? lastState(events) : 'never-created';
      const verdict = [...events].reverse().find((e) => e.type === 'verdict');
      const left = await toxics();
      const timeToCleanMs = Math.round(performance.now() - killedAt);
      const honest = final === 'never-created' || isTerminal(final as never);
      const problem = left > 0 ? `${left} toxic(s) left` : !honest ? `run left in ${final}` : rec.code !== 0 ? `recover exit ${rec.code}: ${rec.out}${rec.err}` : undefined;
      return { trial, host, point, killedIn, finalState: final, reason: verdict?.type === 'verdict' ? verdict.reason : '', leftoverToxics: left, timeToCleanMs, ok: !problem, ...(problem ? { problem } : {}) };
    }
    const database = path.join(dir, 'faultline.db');
    const a = await startReplica({ database, id: `a${trial}`, ownerTtlMs: 3000, adoptEveryMs: 200 });
    const b = await startReplica({ database, id: `b${trial}`, ownerTtlMs: 3000, adoptEveryMs: 200 });
    try {
      const runId = await submitRun(a.url, experimentText(proxy.url, duration));
      const stateOf = async () => (await getRun(b.url, runId)).state;
      await waitFor(point, delayMs, {
        started: async () => (await stateOf()) !== 'pending',
        injecting: async () => ['injecting', 'holding', 'reverting'].includes(await stateOf()),
        reverting: async () => ['reverting', 'revert-pending', 'aborted', 'completed'].includes(await stateOf()),
        toxics,
      });
      await kill9(a);
      const killedAt = performance.now();
      killedIn = await stateOf();
      const done = await until('run terminal after adoption', () => getRun(b.url, runId), (r) => isTerminal(r.state as never), 120_000);
      await until('proxy clean', toxics, (n) => n === 0, 30_000).catch(() => undefined);
      const left = await toxics();
      const timeToCleanMs = Math.round(performance.now() - killedAt);
      const problem = left > 0 ? `${left} toxic(s) left` : undefined;
      return { trial, host, point, killedIn, finalState: done.state, reason: done.reason ?? '', leftoverToxics: left, timeToCleanMs, ok: !problem, ...(problem ? { problem } : {}) };
    } finally {
      await kill9(a);
      await kill9(b);
    }
  } finally {
    await proxy.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}
