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

  it('refuses a bad destination before touching anything', async () => {
    const c = await env.container();
    const fault = env.fault<PartitionParams, PartitionUndo>(PARTITION_TYPE);
    await expect(fault.inject(await env.target(c.id), { destinations: ['10.0.0.0/33'] }, faultContext())).rejects.toMatchObject({ code: 'FL_USAGE' });
    expect(await taggedArtefacts(env, c.id)).toEqual([]);
  });
});
