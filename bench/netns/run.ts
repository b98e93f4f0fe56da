// Accuracy of the network faults in real container namespaces, against the issue's targets: latency
// 50 ms p50 (+-2 ms) with jitter bounds, loss 0.3 +-0.07 over 500 probes, bandwidth within 10% of the
// limit; plus what the effect check (NetnsFaults.effect) reports for each. Prints tables, asserts nothing.
// Needs root and Docker with faultline/busybox:test.   npm run bench -- netns
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { artefactName, newRunId } from '@faultline/core';
import { NetnsFaults, findContainerNetns, preflight, probeInNetns, serveInNetns, type NetnsHandle } from '@faultline/netns';
import { Containers } from '../../packages/netns/src/test-support/docker-cli.js';
import { percentile, table } from '../lib.js';

const run = promisify(execFile);
const ctx = (timeoutMs = 120_000) => ({ signal: new AbortController().signal, timeoutMs });
const faults = new NetnsFaults();
const loadavg = async () => (await run('cat', ['/proc/loadavg'])).stdout.split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const caps = await preflight();
  const mechanism = caps.netem ? 'netem' : 'proxy';
  const docker = new Containers();
  try {
    const [a, b] = await Promise.all([docker.start('bench-a'), docker.start('bench-b')]);
    const nsA = findContainerNetns(a.id) as NetnsHandle;
    const nsB = findContainerNetns(b.id) as NetnsHandle;
    const loadStart = await loadavg();
    const rows: (string | number)[][] = [];
    const effects: (string | number)[][] = [];

    // Latency: echo RTT over one connection, 300 round trips, minus the baseline p50.
    const echo = await serveInNetns(faults.exec, nsB, { kind: 'echo-server', port: 7107 }, 10_000);
    const rtts = async () => (await probeInNetns<{ rtts: number[] }>(faults.exec, nsA, { kind: 'echo-rtt', host: b.ip, port: 7107, count: 300 }, ctx())).rtts;
    const base = percentile(await rtts(), 50);
    for (const jitter of [0, 10]) {
      const tag = artefactName(newRunId(), 'lat');
      const params = { latency: '50ms', ...(jitter ? { jitter: `${jitter}ms` } : {}), destinations: [`${b.ip}:7107`] };
      const undo = await faults.applyLatency(nsA, params, mechanism, tag, ctx());
      const added = (await rtts()).map((x) => x - base);
      const inBounds = added.filter((x) => x >= 50 - jitter - 0.5 && x <= 50 + jitter + 2).length / added.length;
      rows.push([`latency 50ms${jitter ? ` ±${jitter}ms` : ''} (${mechanism})`, '50 ± 2 ms p50', `p50 ${percentile(added, 50).toFixed(1)} ms (min ${Math.min(...added).toFixed(1)}, p10 ${percentile(added, 10).toFixed(1)}, p90 ${percentile(added, 90).toFixed(1)}, max ${Math.max(...added).toFixed(1)})`, `${(inBounds * 100).toFixed(0)}% of ${added.length} within [${50 - jitter}, ${50 + jitter + 2}] ms`]);
      effects.push([`latency 50ms${jitter ? ` ±${jitter}ms` : ''}`, (await faults.effect(nsA, { kind: 'latency', params }, undo.mechanism, ctx(15_000))).detail]);
      await faults.revert(nsA.inode, tag, ctx());
    }
    echo.stop();

    // Loss: 500 TCP connects to a closed port of b (one SYN out, one RST back), egress loss 0.3 only.
    const lossTag = artefactName(newRunId(), 'loss');
    const lossParams = { probability: 0.3, destinations: [b.ip], direction: 'egress' as const };
    await faults.applyLoss(nsA, lossParams, lossTag, ctx());
    const { samples } = await probeInNetns<{ samples: Array<{ ok: boolean }> }>(faults.exec, nsA, { kind: 'connect', host: b.ip, port: 9, count: 500, timeoutMs: 800, refusedIsAnswer: true, concurrency: 25 }, ctx());
    const lost = samples.filter((s) => !s.ok).length / samples.length;
    rows.push(['loss 0.3 egress (iptables statistic)', '0.3 ± 0.07 over 500', `${lost.toFixed(3)} over ${samples.length} connects`, Math.abs(lost - 0.3) <= 0.07 ? 'within' : 'OUTSIDE']);
    effects.push(['loss 0.3 egress', (await faults.effect(nsA, { kind: 'packet-loss', params: lossParams }, 'iptables', ctx(15_000))).detail]);
    await faults.revert(nsA.inode, lossTag, ctx());

    // Bandwidth: 2 MiB to a sink in b through tbf at 256 KiB/s; the first 256 KiB (bucket, buffers) are not timed.
    const bwTag = artefactName(newRunId(), 'bw');
    const rate = 256 * 1024;
    await faults.applyBandwidth(nsA, { rate: '256KiB/s' }, bwTag, ctx());
    const sink = await serveInNetns(faults.exec, nsB, { kind: 'sink', port: 0, skipBytes: 256 * 1024 }, 10_000);
    await probeInNetns(faults.exec, nsA, { kind: 'send', host: b.ip, port: sink.port, bytes: 2 * 1024 * 1024 }, ctx());
    const shaped = (await sink.result)['bytesPerSec'] as number;
    sink.stop();
    rows.push(['bandwidth 256 KiB/s (tbf)', 'within 10%', `${Math.round(shaped / 1024)} KiB/s (${((shaped / rate - 1) * 100).toFixed(1)}%)`, Math.abs(shaped / rate - 1) < 0.1 ? 'within' : 'OUTSIDE']);
    effects.push(['bandwidth 256 KiB/s', (await faults.effect(nsA, { kind: 'bandwidth', params: { rate: '256KiB/s' } }, 'tbf', ctx())).detail]);
    await faults.revert(nsA.inode, bwTag, ctx());

    console.log(`baseline echo RTT p50 ${base.toFixed(2)} ms; load average ${loadStart} at start, ${await loadavg()} at end`);
    console.log(table(['fault', 'target', 'measured', 'bounds'], rows));
    console.log(table(['fault', 'effect check (NetnsFaults.effect)'], effects));
  } finally {
    await docker.cleanup();
  }
}

await main();
