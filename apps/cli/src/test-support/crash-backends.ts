import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startEchoUpstream, startProxyFor, toxicNames } from './fixtures.js';
import { DockerTestEnv, detectDocker, type TestContainer } from '../../../../packages/faults-docker/src/test-support/docker-env.js';
import { UNDO_LABELS } from '../../../../packages/faults-docker/src/shared/undo-record.js';
import { startKubeStandIn, type KubeObject } from '../../../../test/fixtures/kube-stand-in/index.js';

/*
 * The backends of the crash-torture suite (issue 14). Each one gives the experiment a trial runs, the extra
 * CLI/server arguments it needs, and an exact check of what is left on the backend: a toxic, a paused
 * container, an iptables rule or undo-record volume, a Kubernetes object that differs from its original spec.
 */

export type BackendName = 'proxy' | 'docker' | 'kubernetes';

export interface CrashBackend {
  readonly name: BackendName;
  /** The experiment of one trial (`duration` is short for kill-while-reverting trials). */
  experiment(duration: string): string;
  /** Arguments `run`, `recover` and `server` need to reach the backend (e.g. --kubeconfig). */
  readonly cliArgs: readonly string[];
  readonly serverArgs: readonly string[];
  /** Puts the backend back to its original state before a trial (after a dirty trial, the next one starts clean). */
  reset(): Promise<void>;
  /** True as soon as some fault is visible on the backend (for the kill-while-holding point). */
  active(): Promise<boolean>;
  /** Everything left behind, one line each; [] when the backend is exactly as before the trial. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

const header = (name: string, duration: string) => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
`;

/** One Toxiproxy-compatible embedded proxy in front of a TCP echo server; a latency toxic. */
export async function proxyBackend(): Promise<CrashBackend> {
  const upstream = await startEchoUpstream();
  const proxy = await startProxyFor('redis', upstream.port);
  const toxics = () => toxicNames(proxy, 'redis');
  return {
    name: 'proxy', cliArgs: [], serverArgs: [],
    experiment: (duration) => `${header('crash-trial', duration)}  targets:
    redis: { toxiproxy: { api: "${proxy.url}", proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: 20ms } }
`,
    async reset() {
      for (const t of await toxics()) await fetch(`${proxy.url}/proxies/redis/toxics/${t}`, { method: 'DELETE' });
    },
    active: async () => (await toxics()).length > 0,
    leftovers: async () => (await toxics()).map((t) => `toxic ${t} on proxy redis`),
    async close() {
      await proxy.close();
      await upstream.close();
    },
  };
}

const exec = promisify(execFile);

/** Two real containers: one paused (docker.pause), one with an iptables DROP rule (docker.packet-loss). */
export async function dockerBackend(): Promise<CrashBackend | { unavailable: string }> {
  const engine = await detectDocker();
  if (!engine.available) return { unavailable: engine.reason ?? 'no Docker engine' };
  const env = new DockerTestEnv();
  const frozen = await env.container();
  const lossy = await env.container();
  const paused = async (c: TestContainer) => (await env.inspect(c.id))?.State.Paused === true;
  const rules = async (c: TestContainer) => {
    const pid = (await env.inspect(c.id))!.State.Pid;
    const { stdout } = await exec('nsenter', ['-t', String(pid), '-n', 'iptables', '-S'], { timeout: 10_000 });
    return stdout.split('\n').filter((l) => l.includes('faultline-'));
  };
  const undoVolumes = async () => {
    const res = await env.docker.listVolumes({ filters: { label: [UNDO_LABELS.runId] } });
    return (res.Volumes ?? []).filter((v) => [frozen.id, lossy.id].includes(v.Labels?.[UNDO_LABELS.containerId] ?? '')).map((v) => v.Name);
  };
  return {
    name: 'docker', cliArgs: [], serverArgs: ['--docker'],
    experiment: (duration) => `${header('crash-trial-docker', duration)}  targets:
    frozen: { docker: { name: ${frozen.name} } }
    lossy: { docker: { name: ${lossy.name} } }
  faults:
    - { name: freeze, type: docker.pause, target: frozen }
    - { name: drop, type: docker.packet-loss, target: lossy, with: { probability: 0.5 } }
`,
    async reset() {
      if (await paused(frozen)) await env.docker.getContainer(frozen.id).unpause();
      const pid = (await env.inspect(lossy.id))!.State.Pid;
      for (const r of await rules(lossy)) await exec('nsenter', ['-t', String(pid), '-n', 'iptables', ...r.replace(/^-A /, '-D ').split(' ')], { timeout: 10_000 });
      for (const v of await undoVolumes()) await env.docker.getVolume(v).remove().catch(() => undefined);
    },
    active: async () => (await paused(frozen)) || (await rules(lossy)).length > 0,
    async leftovers() {
      return [
        ...((await paused(frozen)) ? [`container ${frozen.name} paused`] : []),
        ...(await rules(lossy)).map((r) => `iptables rule in ${lossy.name}: ${r}`),
        ...(await undoVolumes()).map((v) => `undo-record volume ${v}`),
      ];
    },
    close: () => env.cleanup(),
  };
}

/** Every field of an object that a fault may touch: labels, annotations, data, replicas. */
const comparable = (o: KubeObject | undefined) => {
  const x = o as unknown as { metadata?: { labels?: object; annotations?: object }; data?: object; spec?: { replicas?: number } } | undefined;
  return JSON.stringify({ labels: x?.metadata?.labels ?? {}, annotations: x?.metadata?.annotations ?? {}, data: x?.data ?? null, replicas: x?.spec?.replicas ?? null });
};

/** The Kubernetes API stand-in: a ConfigMap flipped (config-flip) and a Deployment scaled to 0 (scale). */
export async function kubernetesBackend(): Promise<CrashBackend> {
  const kube = await startKubeStandIn();
  const originals: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'faultline.dev/enabled': 'true' } } } as KubeObject,
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'checkout', namespace: 'shop', labels: { app: 'checkout' } }, data: { PAYMENT_TIMEOUT: '2s', MODE: 'normal' } } as KubeObject,
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'checkout', namespace: 'shop', labels: { app: 'checkout' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'checkout' } }, template: { metadata: { labels: { app: 'checkout' } }, spec: { containers: [{ name: 'app', image: 'shop:1' }] } } },
    } as KubeObject,
  ];
  kube.seed(originals);
  const expected = originals.slice(1).map((o) => comparable(o));
  const current = () => [kube.get('v1', 'ConfigMap', 'shop', 'checkout'), kube.get('apps/v1', 'Deployment', 'shop', 'checkout')];
  return {
    name: 'kubernetes', cliArgs: ['--kubeconfig', kube.kubeconfigPath], serverArgs: ['--kubernetes', '--kubeconfig', kube.kubeconfigPath],
    experiment: (duration) => `${header('crash-trial-kube', duration)}  targets:
    config: { kubernetes: { kind: ConfigMap, namespace: shop, name: checkout } }
    app: { kubernetes: { kind: Deployment, namespace: shop, name: checkout } }
  faults:
    - { name: flip, type: kubernetes.config-flip, target: config, with: { data: { PAYMENT_TIMEOUT: 50ms, CHAOS: "on" } } }
    - { name: down, type: kubernetes.scale, target: app, with: { replicas: 0 } }
  blastRadius: { namespaces: [shop], requireLabel: "namespace:faultline.dev/enabled=true" }
`,
    async reset() {
      kube.remove('v1', 'ConfigMap', 'shop', 'checkout');
      kube.remove('apps/v1', 'Deployment', 'shop', 'checkout');
      kube.seed(originals.slice(1));
    },
    active: async () => current().some((o, i) => comparable(o) !== expected[i]),
    async leftovers() {
      return current().flatMap((o, i) => (comparable(o) === expected[i] ? [] : [`${i === 0 ? 'ConfigMap' : 'Deployment'} shop/checkout differs from its original: ${comparable(o)}`]));
    },
    close: () => kube.close(),
  };
}

/** The backend by name; `unavailable` says why (no Docker engine) so callers skip loudly. */
export async function startBackend(name: BackendName): Promise<CrashBackend | { unavailable: string }> {
  if (name === 'proxy') return proxyBackend();
  if (name === 'docker') return dockerBackend();
  return kubernetesBackend();
}
