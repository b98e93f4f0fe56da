import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { DockerTestEnv, detectDocker, serves, tcpConnects } from '../test-support/docker-env.js';
import { STOP_TYPE, type StopParams, type StopUndo } from './stop.js';

const { available } = await detectDocker();

describe.skipIf(!available)('docker.stop on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<StopParams, StopUndo>(STOP_TYPE, {
    async setup() {
      const c = await env.container();
      return {
        provider: env.fault(STOP_TYPE),
        target: await env.target(c.id),
        params: { gracePeriod: '2s' },
        isActive: async () => (await env.inspect(c.id))?.State.Running === false,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(STOP_TYPE),
        dispose: () => env.remove(c.id),
      };
    },
  });

  it('a stopped container really stops serving, and serves again after revert', async () => {
    const net = await env.network();
    const c = await env.container({ network: net.name });
    const ip = await env.ip(c.id, net.name);
    expect(await serves(ip)).toBe(true);
    const stop = env.fault<StopParams, StopUndo>(STOP_TYPE);
    const ctx = faultContext();
    const undo = await stop.inject(await env.target(c.id), { gracePeriod: '2s' }, ctx);
    expect(undo).toEqual({ containerId: c.id, wasRunning: true });
    const info = await env.inspect(c.id);
    expect(info?.State.Status).toBe('exited');
    // Graceful: sh trapped SIGTERM and exited 0 (a SIGKILL after the grace period would be 137).
    expect(info?.State.ExitCode).toBe(0);
    expect(await tcpConnects(ip, 80, 1000)).toBe(false);
    await stop.revert(await env.target(c.id), undo, ctx);
    const ip2 = await env.ip(c.id, net.name);
    expect(await serves(ip2)).toBe(true);
  });

  it('revert does not start a container that was already stopped', async () => {
    const c = await env.container();
    await env.docker.getContainer(c.id).stop({ t: 2 });
    const stop = env.fault<StopParams, StopUndo>(STOP_TYPE);
    const ctx = faultContext();
    const undo = await stop.inject(await env.target(c.id), {}, ctx);
    expect(undo.wasRunning).toBe(false);
    await env.fault<StopParams, StopUndo>(STOP_TYPE).revert(await env.target(c.id), undefined, ctx);
    expect((await env.inspect(c.id))?.State.Running).toBe(false);
  });
});
