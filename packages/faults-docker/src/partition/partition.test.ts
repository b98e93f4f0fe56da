import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { probeInNetns } from '@faultline/netns';
import { DockerTestEnv, detectDocker } from '../test-support/docker-env.js';
import { netnsOf, taggedArtefacts, testNetnsFaults } from '../shared/netns-test-helpers.js';
import { PARTITION_TYPE, type PartitionParams, type PartitionUndo } from './partition.js';

const { available } = await detectDocker();

describe.skipIf(!available)('docker.partition on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<PartitionParams, PartitionUndo>(PARTITION_TYPE, {
    async setup() {
      const c = await env.container();
      return {
        provider: env.fault(PARTITION_TYPE),
        target: await env.target(c.id),
        params: { destinations: ['10.255.0.0/16'], ports: [443] },
        isActive: async () => (await taggedArtefacts(env, c.id)).length > 0,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(PARTITION_TYPE),
        dispose: () => env.remove(c.id),
      };
    },
  });

  it('blocks only the named destination, measured from inside the container; revert leaves no rule', async () => {
    const net = await env.network();
    const [a, b, c] = await Promise.all([env.container({ network: net.name }), env.container({ network: net.name }), env.container({ network: net.name })]);
    const [ipB, ipC] = await Promise.all([env.ip(b.id, net.name), env.ip(c.id, net.name)]);
    const ns = await netnsOf(env, a.id);
    if (!ns) throw new Error('container a has no namespace');
    const ok = async (ip: string) => (await probeInNetns<{ samples: Array<{ ok: boolean }> }>(testNetnsFaults.exec, ns, { kind: 'connect', host: ip, port: 80, count: 3, timeoutMs: 500 }, { signal: new AbortController().signal, timeoutMs: 10_000 })).samples.filter((s) => s.ok).length;

    const fault = env.fault<PartitionParams, PartitionUndo>(PARTITION_TYPE);
    const ctx = faultContext({ faultName: 'cut-b' });
    const undo = await fault.inject(await env.target(a.id), { destinations: [ipB], action: 'reject' }, ctx);
    expect(undo).toMatchObject({ inode: ns.inode, tag: `faultline-${ctx.runId}-cut-b`, mechanism: 'iptables' });
    expect(await ok(ipB)).toBe(0);
    expect(await ok(ipC)).toBe(3);
    await fault.revert(await env.target(a.id), undo, ctx);
    expect(await taggedArtefacts(env, a.id)).toEqual([]);
    expect(await ok(ipB)).toBe(3);
  });

  it('verify: the named peer unreachable is effective; a partition of loopback (rules never touch lo) is measured ineffective', async () => {
    const net = await env.network();
    const [a, b] = await Promise.all([env.container({ network: net.name }), env.container({ network: net.name })]);
    const ipB = await env.ip(b.id, net.name);
    const fault = env.fault<PartitionParams, PartitionUndo>(PARTITION_TYPE);
    const target = await env.target(a.id);
    const cut: PartitionParams = { destinations: [ipB], ports: [80] };
    const ctx = faultContext({ faultName: 'cut-b' });
    const undo = await fault.inject(target, cut, ctx);
    try {
      const good = await fault.verify!(target, undo, cut, ctx);
      expect(good).toMatchObject({ status: 'effective', metric: 'reachable-ratio', asked: 0, measured: 0, destination: `${ipB}:80` });
      // The same rules measured against a destination they do not cover: the verifier reports what it sees.
      const elsewhere = await fault.verify!(target, undo, { destinations: ['127.0.0.1'], ports: [80] }, ctx);
      expect(elsewhere).toMatchObject({ status: 'ineffective', measured: 1 });
      expect(elsewhere.detail).toBe('ineffective: asked unreachable, 3 of 3 connects to 127.0.0.1:80 got through');
    } finally {
      await fault.revert(target, undo, ctx);
    }
    // A real ineffective fault: the container's own loopback service, which partition rules leave alone.
    const ctx2 = faultContext({ faultName: 'cut-lo' });
    const lo: PartitionParams = { destinations: ['127.0.0.1'], ports: [80] };
    const undo2 = await fault.inject(target, lo, ctx2);
    try {
      expect(await taggedArtefacts(env, a.id)).not.toEqual([]);
      expect(await fault.verify!(target, undo2, lo, ctx2)).toMatchObject({ status: 'ineffective', measured: 1 });
    } finally {
      await fault.revert(target, undo2, ctx2);
    }
  });

  it('refuses a bad destination before touching anything', async () => {
    const c = await env.container();
    const fault = env.fault<PartitionParams, PartitionUndo>(PARTITION_TYPE);
    await expect(fault.inject(await env.target(c.id), { destinations: ['10.0.0.0/33'] }, faultContext())).rejects.toMatchObject({ code: 'FL_USAGE' });
    expect(await taggedArtefacts(env, c.id)).toEqual([]);
  });
});
