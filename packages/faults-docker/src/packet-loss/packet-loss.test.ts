import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { DockerTestEnv, detectDocker, measureConnectLoss } from '../test-support/docker-env.js';
import { NetnsIptables } from '../shared/netns-iptables.js';
import { PACKET_LOSS_TYPE, type PacketLossParams, type PacketLossUndo } from './packet-loss.js';

const { available } = await detectDocker();
const iptables = new NetnsIptables();
const ctx0 = { signal: new AbortController().signal, timeoutMs: 10_000 };

/** Rules in the container's namespace tagged by any faultline run. */
async function taggedRules(env: DockerTestEnv, id: string): Promise<string[][]> {
  const pid = (await env.inspect(id))?.State.Pid;
  if (!pid) return [];
  const all = [...(await iptables.listRules(pid, 'INPUT', ctx0)), ...(await iptables.listRules(pid, 'OUTPUT', ctx0))];
  return all.filter((r) => r.join(' ').includes('--comment faultline-')).map((r) => [...r]);
}

// Each probe is one TCP connect to a closed port (81): one SYN in, one RST out. A dropped SYN (ingress)
// or RST (egress) leaves the attempt unanswered; SYN retransmission starts only after 1s, so an attempt
// without an answer in 800ms lost exactly one packet to the rule.
// 300 probes at p=0.3: standard deviation ~0.026, so +-0.1 is ~3.8 sigma (false failure < 1e-3).
const PROBES = { n: 300, timeoutMs: 800, concurrency: 30 };
const CLOSED_PORT = 81;

describe.skipIf(!available)('docker.packet-loss on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<PacketLossParams, PacketLossUndo>(PACKET_LOSS_TYPE, {
    async setup() {
      const c = await env.container();
      return {
        provider: env.fault(PACKET_LOSS_TYPE),
        target: await env.target(c.id),
        params: { probability: 0.5, port: 80 },
        isActive: async () => (await taggedRules(env, c.id)).length > 0,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(PACKET_LOSS_TYPE),
        dispose: () => env.remove(c.id),
      };
    },
  });

  it('drops about the configured share of ingress packets, and none after revert', async () => {
    const net = await env.network();
    const c = await env.container({ network: net.name });
    const ip = await env.ip(c.id, net.name);
    expect(await measureConnectLoss(ip, CLOSED_PORT, PROBES)).toBeLessThanOrEqual(0.02);

    const fault = env.fault<PacketLossParams, PacketLossUndo>(PACKET_LOSS_TYPE);
    const ctx = faultContext();
    const undo = await fault.inject(await env.target(c.id), { probability: 0.3, direction: 'ingress', port: CLOSED_PORT }, ctx);
    await fault.inject(await env.target(c.id), { probability: 0.3, direction: 'ingress', port: CLOSED_PORT }, ctx);
    expect(await taggedRules(env, c.id)).toHaveLength(1);
    expect(undo.comment).toBe(`faultline-${ctx.runId}-${ctx.faultName}`);

    const loss = await measureConnectLoss(ip, CLOSED_PORT, PROBES);
    console.info(`docker.packet-loss ingress p=0.3: measured loss ${loss.toFixed(3)} over ${PROBES.n} TCP connects`);
    expect(loss).toBeGreaterThan(0.2);
    expect(loss).toBeLessThan(0.4);

    await fault.revert(await env.target(c.id), undo, ctx);
    expect(await taggedRules(env, c.id)).toHaveLength(0);
    expect(await measureConnectLoss(ip, CLOSED_PORT, PROBES)).toBeLessThanOrEqual(0.02);
  });

  it('egress loss towards one peer only', async () => {
    const net = await env.network();
    const c = await env.container({ network: net.name });
    const info = await env.inspect(c.id);
    const ep = info?.NetworkSettings.Networks[net.name];
    const ip = String(ep?.IPAddress);
    // Our connects come from the bridge's gateway address, so the RSTs go to it.
    const gateway = String(ep?.Gateway);
    const fault = env.fault<PacketLossParams, PacketLossUndo>(PACKET_LOSS_TYPE);
    const ctx = faultContext();
    const undo = await fault.inject(await env.target(c.id), { probability: 0.3, direction: 'egress', peer: gateway }, ctx);
    expect(undo.rules).toEqual([{ chain: 'OUTPUT', rule: expect.arrayContaining(['-d', gateway]) }]);
    const loss = await measureConnectLoss(ip, CLOSED_PORT, PROBES);
    console.info(`docker.packet-loss egress p=0.3 to ${gateway}: measured loss ${loss.toFixed(3)} over ${PROBES.n} TCP connects`);
    expect(loss).toBeGreaterThan(0.2);
    expect(loss).toBeLessThan(0.4);
    // Revert in a fresh process without undo data: the rule is found by its comment.
    await env.fault<PacketLossParams, PacketLossUndo>(PACKET_LOSS_TYPE).revert(await env.target(c.id), undefined, ctx);
    expect(await taggedRules(env, c.id)).toHaveLength(0);
  });

  it('verify: counts failed connects to the peer from inside the container; an ACCEPT rule above ours makes it ineffective', async () => {
    const net = await env.network();
    const [c, peer] = await Promise.all([env.container({ network: net.name }), env.container({ network: net.name })]);
    const peerIp = await env.ip(peer.id, net.name);
    const pid = (await env.inspect(c.id))?.State.Pid as number;
    const fault = env.fault<PacketLossParams, PacketLossUndo>(PACKET_LOSS_TYPE);
    const target = await env.target(c.id);
    const ctx = faultContext({ faultName: 'lossy', timeoutMs: 20_000 });
    const params: PacketLossParams = { probability: 0.3, peer: peerIp };
    const undo = await fault.inject(target, params, ctx);
    const accept = ['-d', peerIp, '-j', 'ACCEPT'];
    try {
      const good = await fault.verify!(target, undo, params, ctx);
      console.info(`docker.packet-loss verify: ${good.detail}`);
      expect(good).toMatchObject({ status: 'effective', metric: 'loss-ratio', asked: 0.51, destination: `${peerIp}:9` });
      // Someone else's ACCEPT rules ahead of ours (a firewall manager re-ordering the chains): nothing is dropped.
      await iptables.insert(pid, 'OUTPUT', accept, ctx);
      await iptables.insert(pid, 'INPUT', ['-s', peerIp, '-j', 'ACCEPT'], ctx);
      const bad = await fault.verify!(target, undo, params, ctx);
      console.info(`docker.packet-loss verify with ACCEPT rules above ours: ${bad.detail}`);
      expect(bad).toMatchObject({ status: 'ineffective', asked: 0.51 });
      expect(bad.measured).toBeLessThan(0.1);
      expect(await fault.verify!(target, undo, { probability: 0.3 }, ctx)).toMatchObject({ status: 'unverified' });
    } finally {
      await iptables.delete(pid, 'OUTPUT', accept, ctx);
      await iptables.delete(pid, 'INPUT', ['-s', peerIp, '-j', 'ACCEPT'], ctx);
      await fault.revert(target, undo, ctx);
    }
  });
});
