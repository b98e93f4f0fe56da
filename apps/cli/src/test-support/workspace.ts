import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ProxyServer } from '@faultline/proxy';
import { startEchoUpstream, startProxyFor, toxicNames } from './fixtures.js';

/** What each test of an e2e file gets: a fresh folder and an embedded proxy `redis` before a real echo upstream. */
export interface ProxyWorkspace {
  /** The test's own temporary folder (removed after the test). */
  readonly dir: string;
  /** The embedded proxy; its proxy `redis` forwards to the echo upstream. */
  readonly proxy: ProxyServer;
  /** The echo upstream's port (for a second proxy in front of it). */
  readonly upstreamPort: number;
  /** Closes the proxy now (a torn-down environment); the teardown then leaves it alone. */
  stopProxy(): Promise<void>;
  /** Names of the toxics on the proxy `redis` right now. */
  toxics(): Promise<string[]>;
  /** An experiment holding a `toxiproxy.latency` fault named `slow` on `redis` for `duration`. */
  latencyExperiment(options: LatencyExperimentOptions): string;
}

export interface LatencyExperimentOptions {
  name: string;
  duration: string;
  latency?: string;
  /** The Toxiproxy API the target names (default: this workspace's proxy). */
  api?: string;
  labels?: Record<string, string>;
  /** Extra lines under `spec:`, each indented by two spaces and ending with a newline, e.g. a revert policy. */
  specExtra?: string;
}

/**
 * Registers the vitest hooks of an e2e file that drives runs against the embedded proxy: one echo upstream
 * per file, a fresh folder and proxy per test. `beforeCleanup` runs first in each test's teardown (e.g. to
 * kill the processes the test started before their proxy goes away).
 */
export function useProxyWorkspace(prefix: string, beforeCleanup?: () => Promise<void>): ProxyWorkspace {
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let proxy: ProxyServer | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `faultline-${prefix}-`));
    proxy = await startProxyFor('redis', upstream.port);
  });
  const stopProxy = async () => {
    const p = proxy;
    proxy = undefined;
    await p?.close();
  };
  afterEach(async () => {
    await beforeCleanup?.();
    await stopProxy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const current = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the workspace's ${what} exists only inside a test`);
    return value;
  };
  return {
    get dir() {
      return current(dir, 'folder');
    },
    get proxy() {
      return current(proxy, 'proxy');
    },
    get upstreamPort() {
      return upstream.port;
    },
    stopProxy,
    toxics: () => toxicNames(current(proxy, 'proxy'), 'redis'),
    latencyExperiment: ({ name, duration, latency = '100ms', api, labels, specExtra }) => {
      const labelText = labels ? `, labels: { ${Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join(', ')} }` : '';
      return `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name}${labelText} }
spec:
  duration: ${duration}
${specExtra ?? ''}  targets:
    redis: { toxiproxy: { api: "${api ?? current(proxy, 'proxy').url}", proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: ${latency} } }
`;
    },
  };
}
