import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './index.js';
import { captureIo } from './test-support/capture-io.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-main-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const io = () => captureIo(dir);

describe('faultline (in-process)', () => {
  it('validate: names file, line, column and path, suggests the fix, exits 64', async () => {
    await writeFile(path.join(dir, 'bad.yaml'), `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: bad }
spec:
  duration: 30s
  targets:
    redis: { toxiproxy: { proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latncy: 300ms } }
`);
    const x = io();
    expect(await main(['validate', 'bad.yaml'], x)).toBe(64);
    expect(x.out).toContain('✗ bad.yaml');
    expect(x.out).toMatch(/bad\.yaml:9:\d+\s+spec\.faults\[0\]\.with\.latncy: unknown key 'latncy'; did you mean 'latency'\?/);
  });

  it('validate: a misspelt provider name is checked against every provider, Kubernetes and Docker included', async () => {
    // The file names neither kubernetes nor docker, so validate first loads only Toxiproxy and the
    // probes; the failure is then checked against every provider, so the suggestion is the real one.
    await writeFile(path.join(dir, 'typo.yaml'), `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: typo }
spec:
  duration: 30s
  targets:
    redis: { toxiproxy: { proxy: redis } }
  faults:
    - { name: kill, type: kubernets.pod-kill, target: redis }
`);
    const x = io();
    expect(await main(['validate', 'typo.yaml'], x)).toBe(64);
    expect(x.out).toMatch(/spec\.faults\[0\]\.type: unknown fault type 'kubernets\.pod-kill'; did you mean 'kubernetes\.pod-kill'\?/);
  });

  it('a missing file and an unknown option are usage errors (64)', async () => {
    const x = io();
    expect(await main(['run', 'nope.yaml'], x)).toBe(64);
    expect(x.err).toMatch(/experiment file not found: nope\.yaml/);
    expect(await main(['run', '--bogus'], io())).toBe(64);
  });

  it('malformed YAML is located', async () => {
    await writeFile(path.join(dir, 'broken.yaml'), 'apiVersion: faultline.dev/v1\nkind: [Experiment\n');
    const x = io();
    expect(await main(['validate', 'broken.yaml'], x)).toBe(64);
    expect(x.out).toMatch(/broken\.yaml:\d+:\d+/);
  });

  it('--help lists the commands', async () => {
    const x = io();
    expect(await main(['--help'], x)).toBe(0);
    for (const c of ['run', 'validate', 'plan', 'recover', 'proxy', 'server', 'submit', 'halt', 'schedules', 'report', 'demo']) expect(x.out).toContain(c);
  });
});
