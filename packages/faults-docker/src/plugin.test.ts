import { afterAll, describe, expect, it } from 'vitest';
import { BlastRadiusError, createRegistry, type Target, type TargetResolver, type Probe } from '@faultline/core';
import { faultContext } from '@faultline/testing';
import { DockerTestEnv, detectDocker, testCtx } from './test-support/docker-env.js';
import { dockerPlugin } from './plugin.js';
import { PAUSE_TYPE } from './pause/pause.js';
import { PACKET_LOSS_TYPE } from './packet-loss/packet-loss.js';
import type { DockerSelector } from './shared/resolver.js';
import type { DockerProbeParams } from './probe/docker-probe.js';

describe('dockerPlugin', () => {
  it('registers nine fault types, the docker target kind, probe and sweeper without calling the engine', () => {
    const reg = createRegistry([dockerPlugin({ docker: { socketPath: '/nonexistent.sock' } })]);
    expect([...reg.faults.keys()].sort()).toEqual([
      'docker.bandwidth', 'docker.kill', 'docker.latency', 'docker.network-disconnect', 'docker.packet-loss', 'docker.partition', 'docker.pause',
      'docker.restart', 'docker.stop',
    ]);
    expect([...reg.resolvers.keys()]).toEqual(['docker']);
    expect([...reg.probes.keys()]).toEqual(['docker']);
    expect([...reg.sweepers.keys()]).toEqual(['docker']);
    for (const f of reg.faults.values()) expect(f.targetKind).toBe('docker');
  });

  it('an unreachable engine is a retryable ProviderError that says how to start one', async () => {
    const resolver = dockerPlugin({ docker: { socketPath: '/nonexistent.sock' } }).resolvers?.[0] as TargetResolver<DockerSelector>;
    const err = await resolver.resolve({ name: 'x' }, testCtx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FL_PROVIDER', retryable: true });
    expect((err as { hint: string }).hint).toContain('scripts/docker-env.sh start');
  });

  it('refuses an empty selector', async () => {
    const resolver = dockerPlugin({ docker: { socketPath: '/nonexistent.sock' } }).resolvers?.[0] as TargetResolver<DockerSelector>;
    await expect(resolver.resolve({}, testCtx())).rejects.toMatchObject({ code: 'FL_USAGE' });
  });
});

const { available } = await detectDocker();

describe.skipIf(!available)('docker resolver, probe and sweeper on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());
  const resolverOf = (p: ReturnType<typeof env.plugin>) => p.resolvers?.[0] as TargetResolver<DockerSelector>;
  const names = (ts: Target[]) => ts.map((t) => t.name).sort();

  it('resolves by name, pattern, labels and image; leaves out our own container and unlabelled ones', async () => {
    const a = await env.container({ labels: { app: 'shop', 'chaos.enabled': 'true' } });
    const b = await env.container({ labels: { app: 'shop' } });
    const suite = { 'faultline.test.suite': env.suite };
    const r = resolverOf(env.plugin());
    expect(names(await r.resolve({ name: a.name }, testCtx()))).toEqual([a.name]);
    expect(names(await r.resolve({ namePattern: `^${env.suite}-c-`, labels: suite }, testCtx()))).toEqual([a.name, b.name].sort());
    expect(names(await r.resolve({ labels: { ...suite, app: 'shop' }, image: 'faultline/busybox' }, testCtx()))).toEqual([a.name, b.name].sort());
    expect(await r.resolve({ labels: suite, image: 'faultline/busybox:other' }, testCtx())).toEqual([]);
    const t = (await r.resolve({ name: a.name }, testCtx()))[0] as Target;
    expect(t).toMatchObject({ id: `docker:container/${a.id}`, kind: 'docker', ref: { containerId: a.id, name: a.name } });

    const optIn = env.plugin({ requireLabel: 'chaos.enabled=true' });
    expect(names(await resolverOf(optIn).resolve({ labels: suite }, testCtx()))).toEqual([a.name]);
    const asIfInsideA = env.plugin({ selfContainerIds: [a.id.slice(0, 12)] });
    expect(names(await resolverOf(asIfInsideA).resolve({ labels: suite }, testCtx()))).toEqual([b.name]);

    // Inject re-checks, so a journaled or hand-made target cannot slip through.
    const pause = optIn.faults?.find((f) => f.type === PAUSE_TYPE);
    const err = await pause?.inject(await env.target(b.id), {}, faultContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlastRadiusError);
    expect(String((err as Error).message)).toContain('opt-in label chaos.enabled=true');
    expect((await env.inspect(b.id))?.State.Paused).toBe(false);
  });

  it('the probe observes state, running, health and restart count', async () => {
    const c = await env.container();
    const probe = env.plugin().probes?.[0] as Probe<DockerProbeParams>;
    expect((await probe.observe({ container: c.name }, testCtx())).value).toBe('running');
    expect((await probe.observe({ container: c.id, measure: 'running' }, testCtx())).value).toBe(true);
    expect((await probe.observe({ container: c.name, measure: 'health' }, testCtx())).value).toBe('none');
    expect((await probe.observe({ container: c.name, measure: 'restart-count' }, testCtx())).value).toBe(0);
    await env.docker.getContainer(c.id).pause();
    expect((await probe.observe({ container: c.name }, testCtx())).value).toBe('paused');
    expect((await probe.observe({ container: c.name, measure: 'running' }, testCtx())).value).toBe(false);
    await env.docker.getContainer(c.id).unpause();
    await env.docker.getContainer(c.id).kill();
    expect((await probe.observe({ container: c.name }, testCtx())).value).toBe('exited');
    expect((await probe.observe({ container: `${env.suite}-missing` }, testCtx())).value).toBe('missing');
    await expect(probe.observe({ container: `${env.suite}-missing`, measure: 'restart-count' }, testCtx())).rejects.toMatchObject({ code: 'FL_PROBE' });
  });

  it('the sweeper finds leftover packet-loss rules and undo records by run id, and removes them', async () => {
    const c = await env.container();
    const plugin = env.plugin();
    const ctx = faultContext({ faultName: 'lossy' });
    const target = await env.target(c.id);
    await plugin.faults?.find((f) => f.type === PACKET_LOSS_TYPE)?.inject(target, { probability: 0.5 }, ctx);
    await plugin.faults?.find((f) => f.type === PAUSE_TYPE)?.inject(target, {}, { ...ctx, faultName: 'frozen' });

    // As after a crash: a fresh process, only the engine's state to go by.
    const sweeper = env.plugin().sweepers?.[0];
    const mine = async () => (await sweeper?.find([], testCtx()) ?? []).filter((o) => o.runId === ctx.runId);
    const found = await mine();
    expect(found.map((o) => o.faultName).sort()).toEqual(['frozen', 'lossy']);
    expect(found.find((o) => o.faultName === 'lossy')?.description).toContain(`faultline-${ctx.runId}-lossy`);
    for (const o of found) await o.remove(testCtx());
    expect(await mine()).toEqual([]);
    expect((await env.inspect(c.id))?.State.Paused).toBe(false);
  });
});
