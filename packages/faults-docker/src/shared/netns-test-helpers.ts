import { NetnsFaults, findLatencyProxies, netnsInodeOf, type NetnsHandle } from '@faultline/netns';
import type { DockerTestEnv } from '../test-support/docker-env.js';

const faults = new NetnsFaults();
const ctx0 = { signal: new AbortController().signal, timeoutMs: 15_000 };

/** The container's current namespace, or undefined when it has none (stopped or gone). */
export async function netnsOf(env: DockerTestEnv, id: string): Promise<NetnsHandle | undefined> {
  const pid = (await env.inspect(id))?.State.Pid;
  const inode = pid ? netnsInodeOf(pid) : undefined;
  return pid && inode !== undefined ? { pid, inode } : undefined;
}

/** Everything Faultline-tagged in the container's namespace: rules (any table), our qdiscs, latency proxies. */
export async function taggedArtefacts(env: DockerTestEnv, id: string): Promise<string[]> {
  const ns = await netnsOf(env, id);
  if (!ns) return [];
  const rules = (await faults.rules.list(ns, ctx0)).map((r) => `${r.table}/${r.chain} ${r.args.join(' ')}`);
  const qdiscs = (await faults.qdiscs.roots(ns, ctx0)).filter((q) => q.handle === 'fa11:').map((q) => `qdisc ${q.kind} ${q.dev}`);
  const proxies = findLatencyProxies(faults.exec.proc).filter((p) => p.inode === ns.inode).map((p) => `proxy ${p.pid}`);
  return [...rules, ...qdiscs, ...proxies];
}

export { faults as testNetnsFaults };
