import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { probeInNetns, serveInNetns } from '@faultline/netns';
import { DockerTestEnv, detectDocker } from '../test-support/docker-env.js';
import { netnsOf, taggedArtefacts, testNetnsFaults } from '../shared/netns-test-helpers.js';
import { BANDWIDTH_TYPE, type BandwidthParams, type BandwidthUndo } from './bandwidth.js';

const { available } = await detectDocker();

describe.skipIf(!available)('docker.bandwidth on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<BandwidthParams, BandwidthUndo>(BANDWIDTH_TYPE, {
    async setup() {
      const c = await env.container();
      return {
        provider: env.fault(BANDWIDTH_TYPE),
        target: await env.target(c.id),
        params: { rate: '1MiB/s' },
        isActive: async () => (await taggedArtefacts(env, c.id)).length > 0,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(BANDWIDTH_TYPE),
        dispose: () => env.remove(c.id),
      };
    },
  });

  it('limits egress to one destination within 10%, other destinations unshaped; revert leaves no qdisc', async () => {
    const net = await env.network();
    const [a, b] = await Promise.all([env.container({ network: net.name }), env.container({ network: net.name })]);
    const ipB = await env.ip(b.id, net.name);
    const [nsA, nsB] = await Promise.all([netnsOf(env, a.id), netnsOf(env, b.id)]);
    if (!nsA || !nsB) throw new Error('no namespace');
    const ctx = { signal: new AbortController().signal, timeoutMs: 60_000 };
    const throughput = async (bytes: number) => {
      const sink = await serveInNetns(testNetnsFaults.exec, nsB, { kind: 'sink', port: 0, skipBytes: 128 * 1024 }, 10_000);
      try {
        await probeInNetns(testNetnsFaults.exec, nsA, { kind: 'send', host: ipB, port: sink.port, bytes }, ctx);
        return (await sink.result)['bytesPerSec'] as number;
      } finally {
        sink.stop();
      }
    };
    const fault = env.fault<BandwidthParams, BandwidthUndo>(BANDWIDTH_TYPE);
    const fctx = faultContext({ faultName: 'thin-pipe' });
    const undo = await fault.inject(await env.target(a.id), { rate: '256KiB/s', destinations: [ipB] }, fctx);
    expect(undo).toMatchObject({ mechanism: 'htb', devices: ['eth0'] });
    const limit = 256 * 1024;
    const measured = await throughput(1280 * 1024);
    console.info(`docker.bandwidth 256KiB/s to ${ipB}: measured ${Math.round(measured)} B/s (${((measured / limit - 1) * 100).toFixed(1)}%)`);
    expect(Math.abs(measured / limit - 1)).toBeLessThan(0.1);
    // Revert from a fresh provider without undo data: found through the ledger.
    await env.fault<BandwidthParams, BandwidthUndo>(BANDWIDTH_TYPE).revert(await env.target(a.id), undefined, fctx);
    expect(await taggedArtefacts(env, a.id)).toEqual([]);
    expect(await throughput(4 * 1024 * 1024)).toBeGreaterThan(limit * 4);
  });
});
