import { spawnCli, type CliProcess } from './spawn-cli.js';

/** One `faultline server` process (a controller replica) on a shared store, loopback, no auth. */
export interface Replica {
  readonly id: string;
  readonly url: string;
  readonly proc: CliProcess;
}

export interface ReplicaOptions {
  database: string;
  id: string;
  /** Owner lease of each run (ms). */
  ownerTtlMs?: number;
  /** How often the replica looks for runs whose owner stopped renewing (ms). */
  adoptEveryMs?: number;
  extraArgs?: string[];
}

/** Starts a replica and resolves once it listens (after its start-up recovery). */
export async function startReplica(o: ReplicaOptions): Promise<Replica> {
  const proc = spawnCli([
    // The tests poll every run's state; the per-address rate limit is for real clients.
    'server', '--port', '0', '--no-auth', '--rate-limit', '0', '--database', o.database, '--replica-id', o.id,
    ...(o.ownerTtlMs ? ['--owner-ttl', String(o.ownerTtlMs)] : []),
    ...(o.adoptEveryMs ? ['--adopt-every', String(o.adoptEveryMs)] : []),
    ...(o.extraArgs ?? []),
  ]);
  const line = await proc.waitForLine((l) => l.includes('faultline controller on'), 120_000);
  return { id: o.id, url: /on (http:\/\/[\d.:]+)/.exec(line)![1]!, proc };
}

export interface RunView {
  runId: string;
  state: string;
  reason?: string;
  owner?: { replica: string; token: number; expiresAt?: string };
}

export async function submitRun(url: string, definition: string): Promise<string> {
  const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ definition }) });
  if (res.status !== 202) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { run: { runId: string } }).run.runId;
}

export async function getRun(url: string, runId: string): Promise<RunView> {
  const res = await fetch(`${url}/v1/runs/${runId}`);
  if (res.status !== 200) throw new Error(`GET run ${runId} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as RunView;
}

/** Polls until `pred` holds (no fixed sleeps in assertions; bounded by `timeoutMs`). */
export async function until<T>(what: string, fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (performance.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs}ms; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** SIGKILL and wait for the exit. */
export async function kill9(r: Replica): Promise<void> {
  if (r.proc.child.exitCode !== null) return;
  r.proc.child.kill('SIGKILL');
  await r.proc.exit;
}
