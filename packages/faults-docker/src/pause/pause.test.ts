import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { DockerTestEnv, detectDocker, httpGet, serves } from '../test-support/docker-env.js';
import { UndoRecords } from '../shared/undo-record.js';
import { PAUSE_TYPE, type PauseParams, type PauseUndo } from './pause.js';

const { available } = await detectDocker();

describe.skipIf(!available)('docker.pause on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<PauseParams, PauseUndo>(PAUSE_TYPE, {
    async setup() {
      const c = await env.container();
      return {
        provider: env.fault(PAUSE_TYPE),
        target: await env.target(c.id),
        params: {},
        isActive: async () => (await env.inspect(c.id))?.State.Paused === true,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(PAUSE_TYPE),
        dispose: () => env.remove(c.id),
      };
    },
  });

  it('a paused container really stops answering, and answers again after revert', async () => {
    const net = await env.network();
    const c = await env.container({ network: net.name });
    const ip = await env.ip(c.id, net.name);
    expect(await serves(ip)).toBe(true);
    const pause = env.fault<PauseParams, PauseUndo>(PAUSE_TYPE);
    const ctx = faultContext();
    const undo = await pause.inject(await env.target(c.id), {}, ctx);
    expect(undo).toEqual({ containerId: c.id, wasPaused: false });
    expect(await httpGet(ip, 1000)).toBe('timeout');
    await pause.revert(await env.target(c.id), undo, ctx);
    expect(await httpGet(ip, 2000)).toBe(200);
  });

  it('revert leaves a container paused before the run paused', async () => {
    const c = await env.container();
    await env.docker.getContainer(c.id).pause();
    const pause = env.fault<PauseParams, PauseUndo>(PAUSE_TYPE);
    const ctx = faultContext();
    const undo = await pause.inject(await env.target(c.id), {}, ctx);
    expect(undo.wasPaused).toBe(true);
    // A fresh process without undo data reads the undo record written on the engine.
    await env.fault<PauseParams, PauseUndo>(PAUSE_TYPE).revert(await env.target(c.id), undefined, ctx);
    expect((await env.inspect(c.id))?.State.Paused).toBe(true);
    await env.docker.getContainer(c.id).unpause();
  });
});

describe.skipIf(!available)('docker.pause without undo data or record', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  it('unpauses a paused container because revert was called (documented trade-off)', async () => {
    const c = await env.container();
    const ctx = faultContext();
    await env.fault<PauseParams, PauseUndo>(PAUSE_TYPE).inject(await env.target(c.id), {}, ctx);
    await env.docker.getVolume(UndoRecords.volumeName(ctx.runId, ctx.faultName, c.id)).remove();
    await env.fault<PauseParams, PauseUndo>(PAUSE_TYPE).revert(await env.target(c.id), undefined, ctx);
    expect((await env.inspect(c.id))?.State.Paused).toBe(false);
  });
});
