import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerTestEnv, detectDocker, eventually, serves } from '../../../packages/faults-docker/src/test-support/docker-env.js';
import { spawnCli } from './test-support/spawn-cli.js';

// `faultline run` against real containers on a real Docker engine (scripts/docker-env.sh start).
// Skipped loudly without an engine; a failure under CI=true.
const docker = await detectDocker();

describe.skipIf(!docker.available)('faultline run with Docker faults on a real engine', () => {
  const env = new DockerTestEnv();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-docker-cli-'));
  });
  afterAll(async () => {
    await env.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, body: string): Promise<string> {
    const f = path.join(dir, `${name}.yaml`);
    await writeFile(f, `apiVersion: faultline.dev/v1\nkind: Experiment\nmetadata: { name: ${name} }\nspec:\n${body}`);
    return f;
  }
  const rulesWith = async (id: string, tag: string) => {
    const pid = (await env.inspect(id))!.State.Pid;
    return execFileSync('nsenter', ['-t', String(pid), '-n', 'iptables', '-S'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(tag));
  };

  it('a guard trips while the container is paused; the run aborts and unpauses it', async () => {
    const c = await env.container();
    const ip = await env.ip(c.id);
    expect(await serves(ip)).toBe(true);
    const f = await file('pause-web', `  duration: 2m
  targets:
    web: { docker: { name: ${c.name} } }
  faults:
    - { name: freeze, type: docker.pause, target: web }
  guards:
    - { name: web-answers, http: { url: "http://${ip}/" }, expect: { status: [200, 404] }, every: 500ms, timeout: 400ms, breachAfter: 2 }
`);
    const run = spawnCli(['run', f, '--state-dir', dir]);
    expect(await run.exit).toBe(2);
    expect(run.stdout()).toMatch(/BREACH[\s\S]*reverted\s+✓ freeze/);
    expect((await env.inspect(c.id))!.State.Paused).toBe(false);
    expect(await serves(ip)).toBe(true);
  });

  it.each([
    ['docker.pause', '{}', async (id: string) => (await env.inspect(id))!.State.Paused],
    ['docker.packet-loss', '{ probability: 0.5 }', async (id: string) => (await rulesWith(id, 'faultline-')).length > 0],
  ] as const)('%s: after SIGKILL the fault stays; `faultline recover` removes it', async (type, params, active) => {
    const c = await env.container();
    const f = await file(type.replace('.', '-'), `  duration: 10m
  targets:
    web: { docker: { name: ${c.name} } }
  faults:
    - { name: hit, type: ${type}, target: web, with: ${params} }
`);
    const stateDir = await mkdtemp(path.join(dir, 'state-'));
    const run = spawnCli(['run', f, '--output', 'jsonl', '--state-dir', stateDir]);
    await run.waitForLine((l) => l.includes('"to":"holding"'));
    run.child.kill('SIGKILL');
    await run.exit;
    expect(await active(c.id)).toBe(true);
    const rec = spawnCli(['recover', '--state-dir', stateDir]);
    expect(await rec.exit).toBe(0);
    expect(await eventually(async () => !(await active(c.id)))).toBe(true);
    expect(await rulesWith(c.id, 'faultline-')).toEqual([]);
  });

  it('verifies the effect: a partition of the named peer is effective; one of loopback (never touched) is flagged ineffective in the verdict', async () => {
    const net = await env.network();
    const [c, peer] = await Promise.all([env.container({ network: net.name }), env.container({ network: net.name })]);
    const peerIp = await env.ip(peer.id, net.name);
    const experimentFor = (name: string, dest: string) => file(name, `  duration: 1s
  targets:
    web: { docker: { name: ${c.name} } }
  faults:
    - { name: cut, type: docker.partition, target: web, with: { destinations: ["${dest}"], ports: [80] } }
`);
    const good = spawnCli(['run', await experimentFor('cut-peer', peerIp), '--state-dir', dir]);
    expect(await good.exit).toBe(0);
    expect(good.stdout()).toMatch(/effect\s+✓ cut on/);
    expect(good.stdout()).toContain(`effective: asked unreachable, 0 of 3 connects to ${peerIp}:80 got through`);
    expect(good.stdout()).not.toMatch(/INEFFECTIVE/);

    const bad = spawnCli(['run', await experimentFor('cut-loopback', '127.0.0.1'), '--state-dir', dir, '--junit', path.join(dir, 'junit.xml')]);
    expect(await bad.exit).toBe(5);
    expect(bad.stdout()).toMatch(/effect\s+✗ cut on/);
    expect(bad.stdout()).toContain('COMPLETED, BUT A FAULT WAS INEFFECTIVE');
    expect(bad.stdout()).toContain('ineffective: asked unreachable, 3 of 3 connects to 127.0.0.1:80 got through');
    expect(await readFile(path.join(dir, 'junit.xml'), 'utf8')).toMatch(/type="ineffective-fault"/);
    expect(await rulesWith(c.id, 'faultline-')).toEqual([]);
  });
});
