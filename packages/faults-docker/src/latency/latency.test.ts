import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { preflight, probeInNetns, serveInNetns } from '@faultline/netns';
import { DockerTestEnv, detectDocker } from '../test-support/docker-env.js';
import { netnsOf, taggedArtefacts, testNetnsFaults } from '../shared/netns-test-helpers.js';
import { LATENCY_TYPE, chooseLatencyMechanism, type LatencyParams, type LatencyUndo } from './latency.js';

const { available } = await detectDocker();

describe('chooseLatencyMechanism', () => {
  it('auto picks netem when present, the proxy otherwise; netem asked on a kernel without it fails with the fix', () => {
    expect(chooseLatencyMechanism({ latency: '50ms' }, { netem: true })).toBe('netem');
    expect(chooseLatencyMechanism({ latency: '50ms' }, { netem: false })).toBe('proxy');
    expect(chooseLatencyMechanism({ latency: '50ms', mechanism: 'proxy' }, { netem: true })).toBe('proxy');
    expect(() => chooseLatencyMechanism({ latency: '50ms', mechanism: 'netem' }, { netem: false })).toThrow(/no sch_netem/);
  });
});

describe.skipIf(!available)('docker.latency on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<LatencyParams, LatencyUndo>(LATENCY_TYPE, {
    async setup() {
      const net = await env.network();
      const [c, peer] = await Promise.all([env.container({ network: net.name }), env.container({ network: net.name })]);
      const ip = await env.ip(peer.id, net.name);
      return {
        provider: env.fault(LATENCY_TYPE),
        target: await env.target(c.id),
        params: { latency: '30ms', destinations: [`${ip}:80`] },
        isActive: async () => (await taggedArtefacts(env, c.id)).length > 0,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(LATENCY_TYPE),
        dispose: async () => { await env.remove(c.id); await env.remove(peer.id); },
      };
    },
  });

  it('adds the asked latency to the named destination only, measured from inside the container; revert leaves nothing', async () => {
    const caps = await preflight();
    const net = await env.network();
    const [a, b] = await Promise.all([env.container({ network: net.name }), env.container({ network: net.name })]);
    const ipB = await env.ip(b.id, net.name);
    const [nsA, nsB] = await Promise.all([netnsOf(env, a.id), netnsOf(env, b.id)]);
    if (!nsA || !nsB) throw new Error('no namespace');
    const echo = await serveInNetns(testNetnsFaults.exec, nsB, { kind: 'echo-server', port: 7007 }, 10_000);
    const echo2 = await serveInNetns(testNetnsFaults.exec, nsB, { kind: 'echo-server', port: 7008 }, 10_000);
    const p50 = async (port: number) => {
      const { rtts } = await probeInNetns<{ rtts: number[] }>(testNetnsFaults.exec, nsA, { kind: 'echo-rtt', host: ipB, port, count: 40 }, { signal: new AbortController().signal, timeoutMs: 20_000 });
      return [...rtts].sort((x, y) => x - y)[20] as number;
    };
    const fault = env.fault<LatencyParams, LatencyUndo>(LATENCY_TYPE);
    const ctx = faultContext({ faultName: 'slow-b' });
    try {
      const base = await p50(7007);
      const undo = await fault.inject(await env.target(a.id), { latency: '50ms', destinations: [`${ipB}:7007`] }, ctx);
      expect(undo.mechanism).toBe(caps.netem ? 'netem' : 'proxy');
      const added = (await p50(7007)) - base;
      const other = (await p50(7008)) - base;
      console.info(`docker.latency 50ms via ${undo.mechanism}: added p50 ${added.toFixed(2)}ms to ${ipB}:7007, ${other.toFixed(2)}ms to :7008`);
      expect(added).toBeGreaterThanOrEqual(48);
      expect(added).toBeLessThanOrEqual(80); // ask + scheduling slack of a loaded 2-core CI box (load 30+); see packages/netns README
      expect(other).toBeLessThan(10);
      await fault.revert(await env.target(a.id), undo, ctx);
      expect(await taggedArtefacts(env, a.id)).toEqual([]);
    } finally {
      echo.stop();
      echo2.stop();
      await fault.revert(await env.target(a.id), undefined, ctx);
    }
  });

  it('verify: effective on the named path; ineffective once a rule ahead of ours lets the traffic bypass it (as a mesh or CNI does)', async () => {
    const net = await env.network();
    const [a, b] = await Promise.all([env.container({ network: net.name }), env.container({ network: net.name })]);
    const ipB = await env.ip(b.id, net.name);
    const [nsA, nsB] = await Promise.all([netnsOf(env, a.id), netnsOf(env, b.id)]);
    if (!nsA || !nsB) throw new Error('no namespace');
    const echo = await serveInNetns(testNetnsFaults.exec, nsB, { kind: 'echo-server', port: 7009 }, 10_000);
    const fault = env.fault<LatencyParams, LatencyUndo>(LATENCY_TYPE);
    const ctx = faultContext({ faultName: 'slow-b', timeoutMs: 20_000 });
    const params: LatencyParams = { latency: '50ms', destinations: [`${ipB}:7009`] };
    // An untagged rule someone else owns, inserted above ours: the proxy's REDIRECT (or, with netem,
    // the qdisc removed as a CNI resetting the device would) no longer sees the traffic.
    const bypass = async (on: boolean, mechanism: string) => {
      if (mechanism === 'proxy') {
        const rule = ['-t', 'nat', on ? '-I' : '-D', 'OUTPUT', ...(on ? ['1'] : []), '-p', 'tcp', '-d', `${ipB}/32`, '--dport', '7009', '-j', 'RETURN'];
        await testNetnsFaults.exec.run(nsA, ['iptables', '-w', '5', ...rule], ctx);
      } else if (on) {
        await testNetnsFaults.exec.run(nsA, ['tc', 'qdisc', 'del', 'dev', 'eth0', 'root'], ctx);
      }
    };
    let undo: LatencyUndo | undefined;
    try {
      undo = await fault.inject(await env.target(a.id), params, ctx);
      const good = await fault.verify!(await env.target(a.id), undo, params, ctx);
      console.info(`docker.latency verify via ${undo.mechanism}: ${good.detail}`);
      expect(good).toMatchObject({ status: 'effective', metric: 'rtt-ms', asked: 50, destination: `${ipB}:7009` });
      expect(good.measured).toBeGreaterThanOrEqual(25);
      await bypass(true, undo.mechanism);
      const bad = await fault.verify!(await env.target(a.id), undo, params, ctx);
      console.info(`docker.latency verify with a bypass rule: ${bad.detail}`);
      expect(bad).toMatchObject({ status: 'ineffective', asked: 50 });
      expect(bad.measured).toBeLessThan(25);
      expect(bad.detail).toMatch(/^ineffective: asked 50 ms, measured [\d.]+ ms to /);
      // No destination named: nothing to measure against.
      expect(await fault.verify!(await env.target(a.id), undo, { latency: '50ms' }, ctx)).toMatchObject({ status: 'unverified' });
    } finally {
      if (undo) await bypass(false, undo.mechanism).catch(() => undefined);
      echo.stop();
      await fault.revert(await env.target(a.id), undo, ctx);
    }
  });
});
