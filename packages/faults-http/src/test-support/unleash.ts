// Reaching the real Unleash started by scripts/unleash-env.sh, and making flags for tests.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ciDir = fileURLToPath(new URL('../../../../.faultline/ci/', import.meta.url));

export interface UnleashEnv {
  readonly url: string;
  readonly token: string;
}

/** The running test Unleash, or undefined (with why) when scripts/unleash-env.sh has not started one. */
export function unleashEnv(): UnleashEnv | { missing: string } {
  const url = process.env.FAULTLINE_TEST_UNLEASH_URL ?? (existsSync(`${ciDir}unleash.url`) ? readFileSync(`${ciDir}unleash.url`, 'utf8').trim() : undefined);
  const token = process.env.FAULTLINE_TEST_UNLEASH_TOKEN ?? (existsSync(`${ciDir}unleash.token`) ? readFileSync(`${ciDir}unleash.token`, 'utf8').trim() : undefined);
  if (!url || !token) return { missing: 'no test Unleash is running: start one with `scripts/unleash-env.sh start` (writes .faultline/ci/unleash.url and unleash.token)' };
  return { url, token };
}

/** Admin calls for fixtures (not the code under test). */
export function unleashAdmin(env: UnleashEnv) {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${env.url}${path}`, {
      method,
      headers: { authorization: env.token, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok && res.status !== 404) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return res.status === 404 ? undefined : text ? JSON.parse(text) : undefined;
  };
  const f = (feature: string) => `/api/admin/projects/default/features/${feature}`;
  return {
    call,
    async createFlag(feature: string, environment: string, parameters: Record<string, string>): Promise<string> {
      await call('POST', '/api/admin/projects/default/features', { name: feature, type: 'release' });
      const s = (await call('POST', `${f(feature)}/environments/${environment}/strategies`, { name: 'flexibleRollout', parameters, constraints: [] })) as { id: string };
      return s.id;
    },
    async environment(feature: string, environment: string) {
      const feat = (await call('GET', f(feature))) as { environments: Array<{ name: string; enabled: boolean; strategies: Array<{ id: string; parameters: Record<string, string>; variants?: Array<{ name: string }> }>; variants: Array<{ name: string; payload?: { value: string } }> }> } | undefined;
      return feat?.environments.find((e) => e.name === environment);
    },
    async exists(feature: string): Promise<boolean> {
      return (await call('GET', f(feature))) !== undefined;
    },
    async remove(feature: string): Promise<void> {
      await call('DELETE', f(feature));
      await call('DELETE', `/api/admin/archive/${feature}`);
    },
  };
}
