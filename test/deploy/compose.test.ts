import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main, type CliIo } from '@faultline/cli';
import { loadConfigFile } from '@faultline/proxy';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'compose');
const compose = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: { context: string; dockerfile: string }; entrypoint?: string[]; command?: string[]; ports?: string[]; user?: string; read_only?: boolean; healthcheck?: { test: string[] } }>;
};

async function help(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = { stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { out += s; } }, env: {}, cwd: dir, onSignal: () => () => undefined };
  return { code: await main([...argv, '--help'], io), out };
}

const faultlineServices = Object.entries(compose.services).filter(([, s]) => s.image === 'faultline:dev');

describe('deploy/compose/compose.yaml', () => {
  it('has the controller, the proxy, the demo shop and Prometheus', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['controller', 'inventory', 'prometheus', 'proxy', 'storefront']);
  });

  it('builds every Faultline service from the one Dockerfile, non-root on a read-only filesystem', () => {
    expect(faultlineServices.map(([n]) => n).sort()).toEqual(['controller', 'inventory', 'proxy', 'storefront']);
    expect(compose.services.controller!.build).toEqual({ context: '../..', dockerfile: 'deploy/docker/Dockerfile' });
    readFileSync(join(dir, '..', '..', compose.services.controller!.build!.dockerfile));
    for (const [, s] of faultlineServices) expect([s.user, s.read_only]).toEqual(['10001:10001', true]);
  });

  it('runs faultline commands and options that exist', async () => {
    for (const [name, s] of faultlineServices.filter(([, x]) => !x.entrypoint)) {
      const [command, ...args] = s.command!;
      const { code, out } = await help([command!]);
      expect(code, `${name}: faultline ${command} --help`).toBe(0);
      for (const flag of args.filter((a) => a.startsWith('--'))) expect(out, `${name} uses ${flag}`).toContain(flag);
    }
  });

  it('runs the demo shop through the proxy, and the proxy config loads', async () => {
    expect(compose.services.inventory!.command![0]).toBe('inventory');
    expect(compose.services.storefront!.entrypoint).toEqual(['faultline-demo-shop']);
    const front = compose.services.storefront!.command!;
    expect(front[front.indexOf('--inventory-url') + 1]).toBe('http://proxy:18081');
    const proxies = await loadConfigFile(join(dir, 'proxies.json'));
    expect(proxies).toEqual([expect.objectContaining({ name: 'inventory', listen: '0.0.0.0:18081', upstream: 'inventory:8081' })]);
  });

  it('Prometheus scrapes the demo shop and the controller', () => {
    const prom = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8')) as { scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
    const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets)).sort();
    expect(targets).toEqual(['controller:8080', 'inventory:8081', 'storefront:8082']);
  });
});
