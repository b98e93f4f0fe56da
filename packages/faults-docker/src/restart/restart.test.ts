import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { DockerTestEnv, detectDocker, serves } from '../test-support/docker-env.js';
import { RESTART_TYPE, type RestartParams, type RestartUndo } from './restart.js';

const { available } = await detectDocker();

describe.skipIf(!available)('docker.restart on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<RestartParams, RestartUndo>(RESTART_TYPE, {
    irreversible: true,
    async setup() {
      const c = await env.container();
      return {
        provider: env.fault(RESTART_TYPE),
        target: await env.target(c.id),
        params: { gracePeriod: '2s' },
        isActive: async () => false,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(RESTART_TYPE),
        dispose: () => env.remove(c.id),
      };
    },
  });

  it('really restarts the process (new pid and start time) and it serves again', async () => {
    const net = await env.network();
    const c = await env.container({ network: net.name });
    const before = await env.inspect(c.id);
    const undo = await env.fault<RestartParams, RestartUndo>(RESTART_TYPE).inject(await env.target(c.id), { gracePeriod: '2s' }, faultContext());
    expect(undo.startedAtBefore).toBe(before?.State.StartedAt);
    const after = await env.inspect(c.id);
    expect(after?.State.Running).toBe(true);
    expect(after?.State.StartedAt).not.toBe(before?.State.StartedAt);
    expect(after?.State.Pid).not.toBe(before?.State.Pid);
    const ip = await env.ip(c.id, net.name);
    expect(await serves(ip)).toBe(true);
  });
});
