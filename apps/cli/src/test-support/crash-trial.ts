import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isTerminal, possiblyActive, replayJournal, seededRandom, type JournalEvent } from '@faultline/core';
import type { BackendName, CrashBackend } from './crash-backends.js';
import { getRun, kill9, startReplica, submitRun, until } from './replicas.js';
import { spawnCli } from './spawn-cli.js';
import { openStore } from '@faultline/store';
import { main, type CliIo } from '../index.js';

/*
 * Crash torture (issue 14): SIGKILL a real CLI or controller process at a seeded random point of a run
 * (while injecting, holding, reverting, or a random delay after the run began that lands anywhere,
 * journal writes included), then take the recovery path (`faultline recover`, or a live controller replica
 * adopting the run) and check: nothing left on the backend (embedded proxy, real containers, Kubernetes
 * stand-in objects back to their original spec), the run in a terminal state, and its reason true.
 */

export type KillPoint = 'inject' | 'hold' | 'revert' | 'random';
export type Host = 'cli' | 'controller';

export interface TrialResult {
  trial: number;
  backend: BackendName;
  host: Host;
  point: KillPoint;
  /** State the journal showed when the process was killed (last transition written). */
  killedIn: string;
  finalState: string;
  reason: string;
  /** What was left on the backend after recovery, one line each (must be empty). */
  leftovers: string[];
  /** Whether the reason was checked against the journal and the backend (false when the run ended by itself). */
  reasonChecked: boolean;
  /** From the kill to a clean backend and a terminal run (recover, or adoption). */
  timeToCleanMs: number;
  ok: boolean;
  problem?: string;
}

const points: readonly KillPoint[] = ['inject', 'hold', 'revert', 'random'];

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
/** The journal of a controller-hosted run, read from the replicas' SQLite store. */
async function journalInStore(database: string, runId: string): Promise<JournalEvent[]> {
  const store = await openStore(database);
  try {
    return await store.read(runId);
  } finally {
    await store.close();
  }
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for the kill point, polling the journal (CLI) or the run (controller) and the backend. */
interface Probe {
  /** The run has begun (journal created / left pending). */
  started(): Promise<boolean>;
  /** A fault-injecting record is written (the inject may be in flight). */
  injecting(): Promise<boolean>;
  reverting(): Promise<boolean>;
  active(): Promise<boolean>;
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
    await poll(() => probe.active());
    return sleep(delayMs % 200);
  }
  // revert: the hold is short (300 ms); kill once reverting is journaled
  return poll(() => probe.reverting());
}

/**
 * Is the reason recovery gave true? `open` is how many fault records the journal showed as possibly
 * active at the kill, `dirtyAtKill` whether the backend had a fault on it then.
 */
function reasonProblem(host: Host, trial: number, killedIn: string, reason: string, open: number, dirtyAtKill: boolean): string | undefined {
  if (isTerminal(killedIn as never)) return undefined; // ended by itself; recovery did not write the reason
  if (host === 'cli' && !reason.includes(`state ${killedIn}`)) return `reason does not name the state the process died in (${killedIn}): ${reason}`;
  if (host === 'controller' && !reason.includes(`replica a${trial} stopped renewing`)) return `reason does not name the dead replica a${trial}: ${reason}`;
  if (/nothing was active/.test(reason)) {
    if (open > 0) return `reason says nothing was active but the journal showed ${open} open fault record(s)`;
    if (dirtyAtKill) return 'reason says nothing was active but a fault was on the backend when the process died';
    return undefined;
  }
  const n = /reverted (\d+) fault record/.exec(reason);
  if (n && Number(n[1]) !== open) return `reason says ${n[1]} fault record(s) reverted but the journal showed ${open} open`;
  return undefined;
}

/**
 * One seeded trial against `backend` (reset first, so a dirty trial never spills into the next). The kill
 * point is seeded too unless `at` fixes it (a short CI subset that must cover inject, hold and revert).
 */
export async function crashTrial(trial: number, seed: number, host: Host, backend: CrashBackend, at?: KillPoint): Promise<TrialResult> {
  const random = seededRandom(seed * 1000 + trial);
  const seededPoint = points[Math.floor(random() * points.length)]!;
  const point = at ?? seededPoint;
  const delayMs = Math.floor(random() * 1500);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-crash-'));
  const duration = point === 'revert' ? '300ms' : '10m';
  const base = { trial, backend: backend.name, host, point };
  await backend.reset();
  try {
    if (host === 'cli') {
      const file = path.join(dir, 'e.yaml');
      await writeFile(file, backend.experiment(duration));
      const proc = spawnCli(['run', file, '--state-dir', dir, ...backend.cliArgs]);
      await waitFor(point, delayMs, {
        started: async () => (await journalOf(dir)).length > 0,
        injecting: async () => (await journalOf(dir)).some((e) => e.type === 'fault-injecting'),
        reverting: async () => (await journalOf(dir)).some((e) => e.type === 'transition' && e.to === 'reverting'),
        active: () => backend.active(),
      });
      proc.child.kill('SIGKILL');
      await proc.exit;
      const killedAt = performance.now();
      const atKill = await journalOf(dir);
      const replay = replayJournal(atKill);
      const killedIn = atKill.length ? replay.state : 'never-created';
      const open = atKill.length ? possiblyActive(replay.records).length : 0;
      const dirtyAtKill = (await backend.leftovers()).length > 0;
      const rec = await inProcessCli(['recover', '--state-dir', dir, '-o', 'json', ...backend.cliArgs], dir);
      const events = await journalOf(dir);
      const final = events.length ? replayJournal(events).state : 'never-created';
      const verdict = [...events].reverse().find((e) => e.type === 'verdict');
      const reason = verdict?.type === 'verdict' ? verdict.reason : '';
      const leftovers = await backend.leftovers();
      const timeToCleanMs = Math.round(performance.now() - killedAt);
      const honest = final === 'never-created' || isTerminal(final as never);
      const problem = leftovers.length ? `left behind: ${leftovers.join('; ')}`
        : !honest ? `run left in ${final}`
        : rec.code !== 0 ? `recover exit ${rec.code}: ${rec.out}${rec.err}`
        : (killedIn === 'never-created' && dirtyAtKill) ? 'a fault was on the backend with no journal at all'
        : killedIn === 'never-created' ? undefined : reasonProblem(host, trial, killedIn, reason, open, dirtyAtKill);
      return { ...base, killedIn, finalState: final, reason, leftovers, reasonChecked: killedIn !== 'never-created' && !isTerminal(killedIn as never), timeToCleanMs, ok: !problem, ...(problem ? { problem } : {}) };
    }
    const database = path.join(dir, 'faultline.db');
    const opts = { database, ownerTtlMs: 3000, adoptEveryMs: 200, extraArgs: [...backend.serverArgs] };
    const a = await startReplica({ ...opts, id: `a${trial}` });
    const b = await startReplica({ ...opts, id: `b${trial}` });
    try {
      const runId = await submitRun(a.url, backend.experiment(duration));
      const stateOf = async () => (await getRun(b.url, runId)).state;
      await waitFor(point, delayMs, {
        started: async () => (await stateOf()) !== 'pending',
        injecting: async () => ['injecting', 'holding', 'reverting'].includes(await stateOf()),
        reverting: async () => ['reverting', 'revert-pending', 'aborted', 'completed'].includes(await stateOf()),
        active: () => backend.active(),
      });
      await kill9(a);
      const killedAt = performance.now();
      const killedIn = await stateOf();
      const dirtyAtKill = (await backend.leftovers()).length > 0;
      const done = await until('run terminal after adoption', () => getRun(b.url, runId), (r) => isTerminal(r.state as never), 120_000);
      const leftovers = await backend.leftovers();
      const timeToCleanMs = Math.round(performance.now() - killedAt);
      const reason = done.reason ?? '';
      // What the journal showed when A died: everything before the adopter's "recover:" note.
      const events = await journalInStore(database, runId);
      const cut = events.findIndex((e) => e.type === 'note' && e.message.startsWith('recover:'));
      const open = cut < 0 ? 0 : possiblyActive(replayJournal(events.slice(0, cut)).records).length;
      const problem = leftovers.length ? `left behind: ${leftovers.join('; ')}` : reasonProblem(host, trial, killedIn, reason, open, dirtyAtKill);
      return { ...base, killedIn, finalState: done.state, reason, leftovers, reasonChecked: !isTerminal(killedIn as never), timeToCleanMs, ok: !problem, ...(problem ? { problem } : {}) };
    } finally {
      await kill9(a);
      await kill9(b);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
