/**
 * Entry point of the latency proxy that runs INSIDE a target network namespace
 * (spawned through `nsenter --net=...` with the proxy gid, so the nat REDIRECT rules skip its own
 * upstream connections by `-m owner ! --gid-owner`). argv: <tag> <config JSON>.
 * Prints one JSON line `{"ready":true,"listeners":[{"upstream","port"}]}` once listening, then runs
 * until SIGTERM/SIGINT, or until it is the last process in the namespace. It holds no state worth saving: the revert deletes the nat rules first, then
 * ends this process.
 */
import { ProxyCollection } from '@faultline/proxy';
import { parseLatencyProxyArgs } from './proxy-config.js';
import { hostProc, netnsInodeOf } from '../locate/netns-handle.js';
import { readdirSync } from 'node:fs';

const config = parseLatencyProxyArgs(process.argv.slice(2));
const proxies = new ProxyCollection({ connectTimeoutMs: 5_000 });
const listeners: Array<{ upstream: string; port: number }> = [];
try {
  for (const [i, upstream] of config.upstreams.entries()) {
    const name = `d${i}`;
    const p = await proxies.create({ name, listen: '127.0.0.1:0', upstream });
    await proxies.addToxic(name, { type: 'latency', stream: 'upstream', attributes: { latency: config.latencyMs, jitter: config.jitterMs } });
    listeners.push({ upstream, port: Number(p.listen.split(':').pop()) });
  }
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ready: false, error: String(err) })}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ ready: true, listeners })}\n`);
const stop = () => void proxies.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The target's namespace lives as long as any process is in it, and we are one: when every other
// process has left (container removed, pod deleted), end, so we never keep a dead sandbox alive.
const own = netnsInodeOf(process.pid, hostProc);
let lonely = 0;
setInterval(() => {
  const others = readdirSync(hostProc.root).some((n) => /^\d+$/.test(n) && Number(n) !== process.pid && netnsInodeOf(Number(n), hostProc) === own);
  lonely = others ? 0 : lonely + 1;
  if (lonely >= 2) stop();
}, 2_000).unref();
// Nobody reads our stdout after "ready"; a closed pipe must not kill us with EPIPE.
process.stdout.on('error', () => undefined);
