import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Start-up cost is structural: each command's implementation is imported when that command runs, so
// `--help` and `validate` must not load the heavy packages. This test records every ES module a real
// CLI process loads (a module-loader hook) and checks what is absent; it measures no time.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));

let dir: string;
let register: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-lazy-'));
  const hooks = path.join(dir, 'hooks.mjs');
  await writeFile(hooks, `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.FAULTLINE_MODULE_LOG, url + '\\n');
  return next(url, context);
}
`);
  register = path.join(dir, 'register.mjs');
  await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadedModules(args: string[]): Promise<{ code: number | null; modules: string[]; stdout: string }> {
  const log = path.join(dir, `modules-${args[0]}.log`);
  await writeFile(log, '');
  const child = spawn(process.execPath, ['--conditions=@faultline/source', '--import', 'tsx', '--import', register, bin, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FAULTLINE_MODULE_LOG: log },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const modules = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { code, modules, stdout };
}

const heavy = ['@kubernetes/client-node', 'dockerode', 'fastify', 'better-sqlite3', 'kysely', 'pg', 'prom-client'];
const loads = (modules: string[], pkg: string) => modules.some((m) => m.includes(`/node_modules/${pkg}/`));
const loadsWorkspace = (modules: string[], dirName: string) => modules.some((m) => m.includes(`/${dirName}/src/`) || m.includes(`/${dirName}/dist/`));

describe('CLI start-up loads only what the command needs', () => {
  it('--help loads commander and the command definitions, no Faultline package beyond three leaf modules', async () => {
    const { code, modules, stdout } = await loadedModules(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('validate');
    expect(modules.length).toBeGreaterThan(0);
    for (const pkg of [...heavy, '@sinclair/typebox', 'ajv', 'undici', 'yaml']) expect(loads(modules, pkg), pkg).toBe(false);
    for (const ws of ['packages/spec', 'packages/engine', 'packages/proxy', 'packages/store', 'apps/controller', 'packages/scheduler', 'packages/probes']) {
      expect(loadsWorkspace(modules, ws), ws).toBe(false);
    }
    const faultline = modules.filter((m) => /\/packages\/[^/]+\/(src|dist)\//.test(m)).map((m) => m.replace(/^.*\/packages\//, ''));
    expect(faultline.sort()).toEqual(['core/src/clock.ts', 'core/src/errors.ts', 'faults-kubernetes/src/rbac/permissions.ts']);
  });

  it('validate of a Toxiproxy experiment loads neither the Kubernetes nor the Docker client, nor the controller', async () => {
    const { code, modules } = await loadedModules(['validate', 'experiments/quickstart.yaml']);
    expect(code).toBe(0);
    for (const pkg of [...heavy, 'undici']) expect(loads(modules, pkg), pkg).toBe(false);
    for (const ws of ['packages/engine', 'packages/proxy', 'packages/store', 'apps/controller', 'packages/scheduler', 'packages/faults-docker']) {
      expect(loadsWorkspace(modules, ws), ws).toBe(false);
    }
    expect(loadsWorkspace(modules, 'packages/spec')).toBe(true);
  });
});
