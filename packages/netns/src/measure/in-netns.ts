import { spawn, type ChildProcess } from 'node:child_process';
import { ProviderError } from '@faultline/core';
import type { ExecContext, NetnsExec } from '../exec/netns-exec.js';
import type { NetnsHandle } from '../locate/netns-handle.js';
import { PROBE_SCRIPT } from './probe-script.js';
import { raisePriority } from '../latency/latency-proxy.js';

/** A measuring job run by node inside the namespace (see probe-script.ts). */
export type ProbeJob =
  | { kind: 'connect'; host: string; port: number; count: number; timeoutMs: number; refusedIsAnswer?: boolean; concurrency?: number }
  /** Connect, send `payload`, time until the first byte back (or the peer closing): `exchangeMs`. */
  | { kind: 'request-rtt'; host: string; port: number; count: number; timeoutMs: number; payload: string }
  | { kind: 'echo-rtt'; host: string; port: number; count: number }
  | { kind: 'send'; host: string; port: number; bytes: number };

/** A server job that keeps running in the namespace until stopped. */
export type ServerJob = { kind: 'echo-server'; port: number } | { kind: 'sink'; port: number; skipBytes: number };

function spawnProbe(exec: NetnsExec, ns: NetnsHandle, job: ProbeJob | ServerJob): ChildProcess {
  const { file, args } = exec.argv(ns, [process.execPath, '-e', PROBE_SCRIPT, JSON.stringify(job)]);
  const proc = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // A measuring instrument that wakes late reports the node's load, not the network.
  raisePriority(proc.pid);
  return proc;
}

function lines(proc: ChildProcess, onLine: (line: string) => void): void {
  let buf = '';
  proc.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      onLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
}

/** Runs one measuring job inside the namespace (as the target would see the network); resolves its JSON result. */
export function probeInNetns<T>(exec: NetnsExec, ns: NetnsHandle, job: ProbeJob, ctx: ExecContext): Promise<T> {
  ctx.signal.throwIfAborted();
  const proc = spawnProbe(exec, ns, job);
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new ProviderError(`${job.kind} probe in net:[${ns.inode}] did not finish within ${ctx.timeoutMs}ms`, { retryable: true })); }, ctx.timeoutMs);
    const onAbort = () => { proc.kill('SIGKILL'); reject(ctx.signal.reason); };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    lines(proc, (line) => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      const r = JSON.parse(line) as T & { error?: string };
      if (r.error) reject(new ProviderError(`${job.kind} probe in net:[${ns.inode}] failed: ${r.error}`));
      else resolve(r);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new ProviderError(`${job.kind} probe in net:[${ns.inode}] exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** A server inside the namespace; `result` resolves with its final line (sink), `stop()` ends it. */
export interface NetnsServer {
  readonly port: number;
  readonly result: Promise<Record<string, unknown>>;
  stop(): void;
}

export function serveInNetns(exec: NetnsExec, ns: NetnsHandle, job: ServerJob, timeoutMs: number): Promise<NetnsServer> {
  const proc = spawnProbe(exec, ns, job);
  let resolveResult: (v: Record<string, unknown>) => void = () => undefined;
  const result = new Promise<Record<string, unknown>>((r) => { resolveResult = r; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new ProviderError(`${job.kind} in net:[${ns.inode}] did not listen within ${timeoutMs}ms`)); }, timeoutMs);
    lines(proc, (line) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (typeof r['listening'] === 'number') {
        clearTimeout(timer);
        resolve({ port: r['listening'], result, stop: () => proc.kill('SIGKILL') });
      } else {
        resolveResult(r);
      }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new ProviderError(`${job.kind} in net:[${ns.inode}] exited with ${code}`)); });
  });
}
