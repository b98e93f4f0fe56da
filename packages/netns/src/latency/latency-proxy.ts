import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProviderError, sleep } from '@faultline/core';
import type { ExecContext, NetnsExec } from '../exec/netns-exec.js';
import { netnsInodeOf, type NetnsHandle, type ProcFs } from '../locate/netns-handle.js';
import type { RuleSpec } from '../iptables/tagged-rules.js';
import { PROXY_MARKER, latencyProxyArgs, type LatencyProxyConfig } from './proxy-config.js';

/**
 * The group the in-namespace proxy runs as. The REDIRECT rules carry `-m owner ! --gid-owner` this
 * gid, so the proxy's own upstream connections leave the namespace untouched instead of looping.
 */
export const PROXY_GID = 0xfa11;

export interface RunningProxy {
  readonly pid: number;
  readonly listeners: ReadonlyArray<{ upstream: string; port: number }>;
}

/** The nat rules that send the target's connections to each upstream into the proxy's listener. */
export function redirectRules(listeners: RunningProxy['listeners'], tag: string, gid = PROXY_GID): RuleSpec[] {
  return listeners.map(({ upstream, port }) => {
    const [host, dport] = upstream.split(':') as [string, string];
    return {
      table: 'nat',
      chain: 'OUTPUT',
      args: ['-p', 'tcp', '-d', `${host}/32`, '--dport', dport, '-m', 'owner', '!', '--gid-owner', String(gid),
        '-m', 'comment', '--comment', tag, '-j', 'REDIRECT', '--to-ports', String(port)],
    };
  });
}

/**
 * How to start proxy-child: the built .js. Running from source (tests), the build output next to
 * src is used when present (`tsc -b` runs before the tests); tsx transpiling at start-up is the
 * slow fallback.
 */
function childCommand(): { argv: string[]; cwd?: string } {
  if (!import.meta.url.endsWith('.ts')) return { argv: [process.execPath, fileURLToPath(new URL('./proxy-child.js', import.meta.url))] };
  const built = fileURLToPath(new URL('../../dist/latency/proxy-child.js', import.meta.url));
  if (existsSync(built)) return { argv: [process.execPath, built] };
  return {
    argv: [process.execPath, '--conditions=@faultline/source', '--import', 'tsx', fileURLToPath(new URL('./proxy-child.ts', import.meta.url))],
    cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
  };
}

/**
 * Starts the latency proxy inside the namespace and waits for its "ready" line. The process is
 * detached (its own process group): it outlives a crashed agent, so traffic keeps flowing (delayed)
 * until the journal-driven revert removes the rules and ends it.
 */
export async function startLatencyProxy(exec: NetnsExec, ns: NetnsHandle, tag: string, config: LatencyProxyConfig, ctx: ExecContext): Promise<RunningProxy> {
  const child = childCommand();
  const { file, args } = exec.argv(ns, [...child.argv, ...latencyProxyArgs(tag, config)]);
  const proc = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], gid: PROXY_GID, ...(child.cwd ? { cwd: child.cwd } : {}) });
  raisePriority(proc.pid);
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const ready = await new Promise<{ ready: boolean; listeners?: RunningProxy['listeners']; error?: string }>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new ProviderError(`latency proxy in net:[${ns.inode}] did not start within ${ctx.timeoutMs}ms`, { retryable: true, hint: 'the node may be overloaded; retry, or raise the step timeout' })), ctx.timeoutMs);
    const onAbort = () => reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => { clearTimeout(timer); ctx.signal.removeEventListener('abort', onAbort); };
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      done();
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as { ready: boolean });
      } catch {
        resolve({ ready: false, error: buf.slice(0, nl) });
      }
    });
    proc.once('error', (err) => { done(); reject(new ProviderError(`cannot start the latency proxy: ${err.message}`, { cause: err })); });
    proc.once('exit', (code) => { done(); resolve({ ready: false, error: `exited with ${code}: ${stderr.trim()}` }); });
  }).catch(async (err: unknown) => {
    if (proc.pid) await stopPid(proc.pid);
    throw err;
  });
  proc.stdout.destroy();
  proc.stderr.destroy();
  proc.unref();
  if (!ready.ready || !ready.listeners || !proc.pid) {
    if (proc.pid) await stopPid(proc.pid);
    throw new ProviderError(`latency proxy in net:[${ns.inode}] failed: ${ready.error ?? 'no listeners'}`, {
      hint: 'the agent needs to run node inside the namespace (nsenter) with setgid rights (root)',
    });
  }
  return { pid: proc.pid, listeners: ready.listeners };
}

/** Running latency proxies carrying `tag` (or any tag when undefined), by scanning /proc cmdlines. */
export function findLatencyProxies(proc: ProcFs, tag?: string): Array<{ pid: number; tag: string; inode: number | undefined }> {
  const found: Array<{ pid: number; tag: string; inode: number | undefined }> = [];
  for (const name of readdirSync(proc.root)) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`${proc.root}/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const i = argv.indexOf(PROXY_MARKER);
    const t = i >= 0 ? argv[i + 1] : undefined;
    if (!t || (tag !== undefined && t !== tag)) continue;
    found.push({ pid: Number(name), tag: t, inode: netnsInodeOf(Number(name), proc) });
  }
  return found;
}

/** SIGTERM, then SIGKILL after 2s; resolves once the process is gone. */
export async function stopPid(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 40 && alive(); i++) await sleep(50);
  if (alive()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    for (let i = 0; i < 40 && alive(); i++) await sleep(50);
  }
}

/**
 * Timer wake-ups are the proxy's precision: on a busy node a normal-priority process wakes late and
 * the added latency overshoots. Root may raise the priority (nice -10); without the right it stays as is.
 */
export function raisePriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, -10);
  } catch {
    // not permitted: the fault still works, with coarser timing
  }
}
