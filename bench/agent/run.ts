// Apply and revert a partition, latency and bandwidth in N real containers' network namespaces, the work
// the node agent does per pod, once with one process per iptables/tc command and once batched (one
// `nsenter sh -c` script per namespace and step), side by side in the same run. Needs root and Docker
// with faultline/busybox:test.
//   BENCH_AGENT_CONTAINERS=100 BENCH_AGENT_CONCURRENCY=4 BENCH_AGENT_MODES=per-command,batched npm run bench -- agent
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { artefactName, newRunId, systemClock } from '@faultline/core';
import { NetnsFaults, findContainerNetns, preflight, type NetnsHandle } from '@faultline/netns';
import { percentile, table } from '../lib.js';

const run = promisify(execFile);
const N = Number(process.env['BENCH_AGENT_CONTAINERS'] ?? 100);
const CONCURRENCY = Number(process.env['BENCH_AGENT_CONCURRENCY'] ?? 4);
const suite = `bench-agent-${newRunId()}`;
const ctx = { signal: new AbortController().signal, timeoutMs: 60_000 };
const allModes = { 'per-command': new NetnsFaults({ batch: false }), batched: new NetnsFaults() } as const;
// BENCH_AGENT_MODES=batched runs only the batched mode (the per-command one takes several times as long).
const modeNames = (process.env['BENCH_AGENT_MODES'] ?? 'per-command,batched').split(',').map((m) => m.trim());
const modes = Object.fromEntries(Object.entries(allModes).filter(([name]) => modeNames.includes(name)));
if (Object.keys(modes).length === 0) throw new Error(`BENCH_AGENT_MODES=${modeNames.join(',')} names no mode; use per-command, batched or both (comma-separated)`);
const loadavg = async () => (await run('cat', ['/proc/loadavg'])).stdout.split(' ').slice(0, 3).join(' ');

async function pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<number> {
  const t0 = systemClock.monotonic();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < items.length) await fn(items[next++] as T); }));
  return systemClock.monotonic() - t0;
}

async function main(): Promise<void> {
  const caps = await preflight();
  const mechanism = caps.netem ? 'netem' : 'proxy';
  await run('docker', ['network', 'create', '--label', 'faultline.test=1', suite]);
  const ids: string[] = [];
  try {
    const tStart = systemClock.monotonic();
    await pool(Array.from({ length: N }, (_, i) => i), async () => {
      const { stdout } = await run('docker', ['run', '-d', '--label', 'faultline.test=1', '--label', `faultline.bench=${suite}`, '--network', suite, 'faultline/busybox:test', 'sleep', '3600']);
      ids.push(stdout.trim());
    });
    const startMs = systemClock.monotonic() - tStart;
    const spaces = ids.map((id) => findContainerNetns(id)).filter((x): x is NetnsHandle => x !== undefined);
    const peer = (await run('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', ids[0] as string])).stdout.trim();
    const loadStart = await loadavg();
    const rows: (string | number)[][] = [];
    const totals = new Map<string, { apply: number; revert: number }>();
    for (const kind of ['partition', `latency (${mechanism})`, 'bandwidth'] as const) {
      for (const [mode, faults] of Object.entries(modes)) {
        const runId = newRunId();
        const tag = artefactName(runId, 'bench');
        const applyMs: number[] = [];
        const revertMs: number[] = [];
        const applyTotal = await pool(spaces, async (ns) => {
          const t0 = systemClock.monotonic();
          if (kind === 'partition') await faults.applyPartition(ns, { destinations: ['10.255.255.1', '10.255.255.2'] }, tag, ctx);
          else if (kind === 'bandwidth') await faults.applyBandwidth(ns, { rate: '1MiB/s' }, tag, ctx);
          else await faults.applyLatency(ns, { latency: '50ms', jitter: '5ms', destinations: [`${peer}:80`] }, mechanism, tag, ctx);
          applyMs.push(systemClock.monotonic() - t0);
        });
        const revertTotal = await pool(spaces, async (ns) => {
          const t0 = systemClock.monotonic();
          await faults.revert(ns.inode, tag, ctx);
          revertMs.push(systemClock.monotonic() - t0);
        });
        const left = (await faults.sweep(ctx)).filter((l) => l.tag === tag).length;
        totals.set(`${kind}/${mode}`, { apply: applyTotal, revert: revertTotal });
        rows.push([kind, mode, spaces.length, percentile(applyMs, 50), percentile(applyMs, 95), applyTotal / 1000, percentile(revertMs, 50), percentile(revertMs, 95), revertTotal / 1000, left]);
      }
    }
    console.log(`${spaces.length} containers started in ${(startMs / 1000).toFixed(1)}s; concurrency ${CONCURRENCY}; load average ${loadStart} at start, ${await loadavg()} at end`);
    console.log(table(['fault', 'mode', 'netns', 'apply p50 ms', 'apply p95 ms', 'apply total s', 'revert p50 ms', 'revert p95 ms', 'revert total s', 'left after'], rows));
    const ratio = (kind: string, step: 'apply' | 'revert') => {
      const a = totals.get(`${kind}/per-command`)?.[step] ?? NaN;
      const b = totals.get(`${kind}/batched`)?.[step] ?? NaN;
      return `${(a / b).toFixed(2)}x`;
    };
    if (Object.keys(modes).length === 2) {
      console.log(table(['fault', 'apply: per-command / batched', 'revert: per-command / batched'],
        ['partition', `latency (${mechanism})`, 'bandwidth'].map((k) => [k, ratio(k, 'apply'), ratio(k, 'revert')])));
    }
  } finally {
    for (let i = 0; i < ids.length; i += 50) await run('docker', ['rm', '-f', ...ids.slice(i, i + 50)]).catch(() => undefined);
    await run('docker', ['network', 'rm', suite]).catch(() => undefined);
  }
}

await main();
