import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artefactName, newRunId } from '@faultline/core';
import { Containers, dockerAvailable } from './test-support/docker-cli.js';
import { NetnsFaults } from './netns-faults.js';
import { findContainerNetns, type NetnsHandle } from './locate/netns-handle.js';
import { probeInNetns, serveInNetns } from './measure/in-netns.js';
import { findLatencyProxies } from './latency/latency-proxy.js';
import { preflight } from './preflight/preflight.js';

const available = await dockerAvailable();
const ctx = () => ({ signal: new AbortController().signal, timeoutMs: 20_000 });
const tag = (fault: string) => artefactName(newRunId(), fault);

type Connects = { samples: Array<{ ok: boolean; ms: number }> };

describe.skipIf(!available)('NetnsFaults in real container namespaces', () => {
  const docker = new Containers();
  const faults = new NetnsFaults();
  let a: { id: string; pid: number; ip: string };
  let b: { id: string; pid: number; ip: string };
  let c: { id: string; pid: number; ip: string };
  let nsA: NetnsHandle;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([docker.start('a'), docker.start('b'), docker.start('c')]);
    const found = findContainerNetns(a.id);
    if (!found) throw new Error('container a not found in /proc');
    nsA = found;
  });
  afterAll(() => docker.cleanup());

  /** Nothing Faultline-tagged is left in a's namespace: no rule, no ledger chain, no qdisc, no proxy. */
  async function clean(ns: NetnsHandle): Promise<void> {
    expect(await faults.rules.list(ns, ctx())).toEqual([]);
    expect(await faults.exec.run(ns, ['iptables', '-S'], ctx())).not.toContain('FAULTLINE');
    expect((await faults.qdiscs.roots(ns, ctx())).filter((q) => q.handle === 'fa11:')).toEqual([]);
    expect(findLatencyProxies(faults.exec.proc).filter((p) => p.inode === ns.inode)).toEqual([]);
  }

  it('finds a container netns from its id through /proc/*/cgroup, keyed on the inode', async () => {
    expect(findContainerNetns(a.id)?.inode).toBe(nsA.inode);
    expect(findContainerNetns(`docker://${a.id}`)?.inode).toBe(nsA.inode);
    expect(findContainerNetns(a.id.slice(0, 12))?.inode).toBe(nsA.inode);
    expect(findContainerNetns('0'.repeat(64))).toBeUndefined();
    expect(() => findContainerNetns('not-an-id')).toThrow(/not a container id/);
  });

  it('preflight reports this kernel: no netem, tbf/htb, statistic, owner, REDIRECT', async () => {
    const caps = await preflight();
    console.info(`preflight: ${JSON.stringify(caps)}`);
    expect(caps.tbf && caps.htb && caps.statistic && caps.owner && caps.redirect).toBe(true);
    if (!caps.netem) expect(caps.problems.map((p) => p.fix).join()).toContain('modprobe sch_netem');
  });

  it('partition blocks only the named destination, measured from inside the namespace; revert leaves nothing', async () => {
    const t = tag('split');
    const connects = async (ip: string) => (await probeInNetns<Connects>(faults.exec, nsA, { kind: 'connect', host: ip, port: 80, count: 5, timeoutMs: 500 }, ctx())).samples.filter((s) => s.ok).length;
    expect(await connects(b.ip)).toBe(5);
    await faults.applyPartition(nsA, { destinations: [b.ip], direction: 'egress' }, t, ctx());
    await faults.applyPartition(nsA, { destinations: [b.ip], direction: 'egress' }, t, ctx());
    expect((await faults.rules.list(nsA, ctx())).filter((r) => r.tag === t)).toHaveLength(1);
    expect(await connects(b.ip)).toBe(0);
    expect(await connects(c.ip)).toBe(5);
    expect(await faults.revert(nsA.inode, t, ctx())).toEqual(['1 iptables rule(s)']);
    expect(await connects(b.ip)).toBe(5);
    await clean(nsA);
  });

  it('bandwidth: egress throughput within 10% of the limit; revert restores and leaves nothing', async () => {
    const t = tag('slow');
    const nsB = findContainerNetns(b.id) as NetnsHandle;
    const rate = 256 * 1024; // 256KiB/s: 1.5MiB takes ~6s, long enough that the bucket and socket buffers are noise
    const measure = async (bytes: number) => {
      const sink = await serveInNetns(faults.exec, nsB, { kind: 'sink', port: 0, skipBytes: 256 * 1024 }, 10_000);
      try {
        await probeInNetns(faults.exec, nsA, { kind: 'send', host: b.ip, port: sink.port, bytes }, { ...ctx(), timeoutMs: 60_000 });
        return (await sink.result)['bytesPerSec'] as number;
      } finally {
        sink.stop();
      }
    };
    await faults.applyBandwidth(nsA, { rate: '256KiB/s' }, t, ctx());
    await faults.applyBandwidth(nsA, { rate: '256KiB/s' }, t, ctx());
    const shaped = await measure(1536 * 1024);
    console.info(`bandwidth limit ${rate} B/s: measured ${Math.round(shaped)} B/s (${((shaped / rate - 1) * 100).toFixed(1)}%)`);
    expect(Math.abs(shaped / rate - 1)).toBeLessThan(0.1);
    // A second, differently tagged tc fault on the same device is refused, not stacked.
    await expect(faults.applyBandwidth(nsA, { rate: '1MiB/s' }, tag('other'), ctx())).rejects.toMatchObject({ code: 'FL_CONFLICT' });
    await faults.revert(nsA.inode, t, ctx());
    await clean(nsA);
    const free = await measure(8 * 1024 * 1024);
    expect(free).toBeGreaterThan(rate * 4);
  });

  it('latency via the in-namespace proxy (or netem): never below the ask, p50 within scheduling slack, jitter spreads both ways; revert leaves nothing', async () => {
    const caps = await preflight();
    const mechanism = caps.netem ? 'netem' : 'proxy';
    const nsB = findContainerNetns(b.id) as NetnsHandle;
    const echo = await serveInNetns(faults.exec, nsB, { kind: 'echo-server', port: 7007 }, 10_000);
    const t = tag('slowdown');
    const tj = tag('jittery');
    try {
      const rtts = async () => (await probeInNetns<{ rtts: number[] }>(faults.exec, nsA, { kind: 'echo-rtt', host: b.ip, port: 7007, count: 60 }, ctx())).rtts;
      const p50 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
      const base = p50(await rtts());
      const undo = await faults.applyLatency(nsA, { latency: '50ms', destinations: [`${b.ip}:7007`] }, mechanism, t, ctx());
      expect(await faults.applyLatency(nsA, { latency: '50ms', destinations: [`${b.ip}:7007`] }, mechanism, t, ctx())).toEqual(undo);
      const samples = (await rtts()).map((x) => x - base);
      const added = p50(samples);
      console.info(`latency 50ms via ${mechanism}: added p50 ${added.toFixed(2)}ms, min ${Math.min(...samples).toFixed(2)}ms (base ${base.toFixed(2)}ms)`);
      // Never below the ask; the p50 target is 50 +-2ms on an idle node. The in-namespace proxy wakes on
      // timers, so on an overloaded node (2 cores, load 15+) its p50 overshoots by scheduling delay:
      // the bound here is the ask plus that slack, and the measured p50 is logged and reported.
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(48);
      expect(added).toBeGreaterThanOrEqual(48);
      expect(added).toBeLessThanOrEqual(50 + 30);
      await faults.revert(nsA.inode, t, ctx());
      await clean(nsA);

      await faults.applyLatency(nsA, { latency: '50ms', jitter: '20ms', destinations: [`${b.ip}:7007`] }, mechanism, tj, ctx());
      const jittered = (await rtts()).map((x) => x - base);
      const sorted = [...jittered].sort((x, y) => x - y);
      const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;
      console.info(`latency 50ms +-20ms via ${mechanism}: min ${at(0).toFixed(1)} p10 ${at(0.1).toFixed(1)} p50 ${at(0.5).toFixed(1)} p90 ${at(0.9).toFixed(1)} max ${at(1).toFixed(1)}ms`);
      // The lower bound is the toxic's own (a chunk is never sent before latency - jitter); the upper end of
      // single samples belongs to the node's scheduler, so it is checked through p10/p90 spread and p50.
      expect(at(0)).toBeGreaterThanOrEqual(29);
      expect(at(0.1)).toBeLessThan(48);
      expect(at(0.9)).toBeGreaterThan(52);
      expect(at(0.5)).toBeLessThanOrEqual(80);
      await faults.revert(nsA.inode, tj, ctx());
      await clean(nsA);
      expect(Math.abs(p50(await rtts()) - base)).toBeLessThan(5);
    } finally {
      echo.stop();
      // Also on a failed assertion: never leave a proxy or rule behind.
      await faults.revert(nsA.inode, t, ctx());
      await faults.revert(nsA.inode, tj, ctx());
    }
  });

  it('sweep finds every tagged artefact in every namespace; revert of a gone namespace resolves', async () => {
    const t = tag('left');
    const d = await docker.start('d');
    const nsD = findContainerNetns(d.id) as NetnsHandle;
    await faults.applyPartition(nsD, { destinations: [c.ip], ports: [80], action: 'reject' }, t, ctx());
    await faults.applyBandwidth(nsD, { rate: '1MiB/s', destinations: [c.ip] }, t, ctx());
    const mine = (await faults.sweep(ctx())).filter((l) => l.tag === t);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.inode).toBe(nsD.inode);
    expect(mine[0]?.what.length).toBe(3); // OUTPUT + INPUT rules, one ledger entry
    await docker.docker('rm', '-f', d.id);
    expect(await faults.revert(nsD.inode, t, ctx(), nsD)).toEqual([]);
    expect((await faults.sweep(ctx())).filter((l) => l.tag === t)).toEqual([]);
  });
});
