import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { DockerTestEnv, detectDocker, eventually, serves, tcpConnects } from '../test-support/docker-env.js';
import { KILL_TYPE, type KillParams, type KillUndo } from './kill.js';

const { available } = await detectDocker();

describe.skipIf(!available)('docker.kill on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<KillParams, KillUndo>(KILL_TYPE, {
    irreversible: true,
    async setup() {
      const c = await env.container();
      return {
        provider: env.fault(KILL_TYPE),
        target: await env.target(c.id),
        params: {},
        isActive: async () => (await env.inspect(c.id))?.State.Running === false,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(KILL_TYPE),
        dispose: () => env.remove(c.id),
      };
    },
  });

  it('SIGKILL really ends the container; a second inject sends nothing', async () => {
    const net = await env.network();
    const c = await env.container({ network: net.name });
    const ip = await env.ip(c.id, net.name);
    expect(await serves(ip)).toBe(true);
    const kill = env.fault<KillParams, KillUndo>(KILL_TYPE);
    const ctx = faultContext();
    expect(await kill.inject(await env.target(c.id), {}, ctx)).toEqual({ containerId: c.id, signal: 'SIGKILL', sent: true });
    expect(await eventually(async () => (await env.inspect(c.id))?.State.Running === false)).toBe(true);
    expect((await env.inspect(c.id))?.State.ExitCode).toBe(137);
    expect(await tcpConnects(ip, 80, 1000)).toBe(false);
    expect(await kill.inject(await env.target(c.id), {}, ctx)).toEqual({ containerId: c.id, signal: 'SIGKILL', sent: false });
  });

  it('sends the configured signal (SIGTERM, which the container traps and exits 0)', async () => {
    const c = await env.container();
    await env.fault<KillParams, KillUndo>(KILL_TYPE).inject(await env.target(c.id), { signal: 'SIGTERM' }, faultContext());
    expect(await eventually(async () => (await env.inspect(c.id))?.State.Running === false)).toBe(true);
    expect((await env.inspect(c.id))?.State.ExitCode).toBe(0);
  });
});
