import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, systemClock, type Target } from '@faultline/core';
import { kubernetesPlugin } from '@faultline/faults-kubernetes';
import { testFaultProviderContract } from '@faultline/testing';
import { NetnsFaults, findContainerNetns, findLatencyProxies, probeInNetns, serveInNetns, type NetnsHandle, type NetnsServer } from '@faultline/netns';
import { startKubeStandIn } from '../../../test/fixtures/kube-stand-in/index.js';
import { dockerAvailable } from '../../../packages/netns/src/test-support/docker-cli.js';
import { call, startAgent, tlsDir, TestContainers, until } from '../../agent/src/test-support/agent-process.js';
import type { AgentPki } from '../../agent/src/pki/agent-pki.js';
import { spawnCli } from './test-support/spawn-cli.js';

// kubernetes.pod-* network faults end to end: the CLI resolves pods from the Kubernetes API stand-in
// (containerStatuses naming real Docker containers, nodeName = this host), finds the node's agent (a real
// faultline-agent process) and applies the faults over mTLS; effects are measured from inside the target.
// Measured on the 2-core CI box at high load (one run each): latency 50ms -> +52.5..63.5ms p50 (proxy: no netem
// here), loss 0.3 -> 0.293 over 300 probes, bandwidth 256KiB/s -> -4.0%, SIGKILL of the run -> reverted by the
// agent 0.7..1.5s after the last lease expiry (3s lease).
const available = await dockerAvailable();
const netns = new NetnsFaults();
const ctx = { signal: new AbortController().signal, timeoutMs: 20_000 };
const node = os.hostname();

/** Every Faultline artefact in the namespace: tagged rules (any table), our qdiscs, latency proxies. */
async function artefacts(ns: NetnsHandle): Promise<string[]> {
  const rules = (await netns.rules.list(ns, ctx)).map((r) => `${r.table}/${r.chain} ${r.args.join(' ')}`);
  const qdiscs = (await netns.qdiscs.roots(ns, ctx)).filter((q) => q.handle === 'fa11:').map((q) => `qdisc ${q.kind} ${q.dev}`);
  const proxies = findLatencyProxies(netns.exec.proc).filter((p) => p.inode === ns.inode).map((p) => `proxy ${p.pid}`);
  return [...rules, ...qdiscs, ...proxies];
}

/**
 * Share of TCP connects from the host to a closed port of `ip` that got no answer within 800 ms. Each is one
 * SYN in and one RST out; SYN retransmission starts only after 1 s, so an unanswered attempt lost exactly one
 * packet. 300 probes at p=0.3: standard deviation ~0.026, so +-0.1 is ~3.8 sigma.
 */
async function connectLoss(ip: string, port: number, n = 300, concurrency = 30): Promise<number> {
  let lost = 0;
  let next = 0;
  const one = () => new Promise<void>((resolve) => {
    const s = net.connect({ host: ip, port });
    const done = (answered: boolean) => { clearTimeout(t); if (!answered) lost++; s.destroy(); resolve(); };
    const t = setTimeout(() => done(false), 800);
    s.once('connect', () => done(true));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
  });
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next++ < n) await one(); }));
  return lost / n;
}

describe.skipIf(!available)('kubernetes.pod-* network faults: CLI + Kubernetes stand-in + real agent + real containers', { timeout: 300_000 }, () => {
  const docker = new TestContainers();
  let kube: Awaited<ReturnType<typeof startKubeStandIn>>;
  let tls: { dir: string; pki: AgentPki };
  let clientDir: string;
  let agent: Awaited<ReturnType<typeof startAgent>>;
  let dir: string;
  let a: { id: string; ip: string };
  let b: { id: string; ip: string };
  let c: { id: string; ip: string };
  let nsA: NetnsHandle;
  let echo: NetnsServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-podnet-'));
    tls = await tlsDir();
    clientDir = mkdtempSync(path.join(os.tmpdir(), 'fl-agent-client-'));
    writeFileSync(path.join(clientDir, 'ca.crt'), tls.pki.caPem);
    writeFileSync(path.join(clientDir, 'controller.crt'), tls.pki.controller.certPem);
    writeFileSync(path.join(clientDir, 'controller.key'), tls.pki.controller.keyPem, { mode: 0o600 });
    [a, b, c] = await Promise.all([docker.start(), docker.start(), docker.start()]);
    nsA = findContainerNetns(a.id) as NetnsHandle;
    echo = await serveInNetns(netns.exec, findContainerNetns(b.id) as NetnsHandle, { kind: 'echo-server', port: 7007 }, 20_000);
    agent = await startAgent({ tls: tls.dir, journal: mkdtempSync(path.join(os.tmpdir(), 'fl-agent-j-')) });
    kube = await startKubeStandIn();
    const startedAt = '2026-01-01T00:00:00Z';
    kube.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'faultline.dev/enabled': 'true' } } },
      {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'shop', labels: { app: 'web' } },
        spec: { nodeName: node, containers: [{ name: 'web', image: 'faultline/busybox:test' }] },
        status: {
          phase: 'Running', podIP: a.ip, hostIP: '127.0.0.1', startTime: startedAt,
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: startedAt }],
          containerStatuses: [{ name: 'web', image: 'faultline/busybox:test', imageID: 'docker-pullable://faultline/busybox@sha256:0', containerID: `docker://${a.id}`, ready: true, started: true, restartCount: 0, state: { running: { startedAt } } }],
        },
      },
      // The agent DaemonSet's pod on this node, as the API shows it: discovery dials its pod IP.
      {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'faultline-agent-x7k2p', namespace: 'faultline', labels: { 'app.kubernetes.io/name': 'faultline-agent' } },
        spec: { nodeName: node, hostPID: true, containers: [{ name: 'agent', image: 'faultline/agent' }] },
        status: { phase: 'Running', podIP: '127.0.0.1', startTime: startedAt, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: startedAt }] },
      },
    ]);
  });
  afterAll(async () => {
    echo?.stop();
    agent?.proc.kill('SIGTERM');
    await kube?.close();
    await docker.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const env = (leaseMs: number, extra: Record<string, string> = {}) => ({
    FAULTLINE_AGENT_TLS_DIR: clientDir, FAULTLINE_AGENT_SERVER_NAME: 'localhost', FAULTLINE_AGENT_PORT: String(agent.port), FAULTLINE_AGENT_LEASE_MS: String(leaseMs), ...extra,
  });
  const experiment = async (name: string, faults: string): Promise<string> => {
    const f = path.join(dir, `${name}.yaml`);
    await writeFile(f, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: 10m
  targets:
    web: { kubernetes: { kind: Pod, namespace: shop, selector: app=web }, mode: { type: all } }
  faults:
${faults}
  blastRadius: { namespaces: [shop], requireLabel: "namespace:faultline.dev/enabled=true" }
`);
    return f;
  };
  const p50 = async () => {
    const { rtts } = await probeInNetns<{ rtts: number[] }>(netns.exec, nsA, { kind: 'echo-rtt', host: b.ip, port: 7007, count: 40 }, ctx);
    return [...rtts].sort((x, y) => x - y)[20] as number;
  };
  const connects = async (ip: string) => {
    const { samples } = await probeInNetns<{ samples: Array<{ ok: boolean }> }>(netns.exec, nsA, { kind: 'connect', host: ip, port: 80, count: 3, timeoutMs: 1_500 }, ctx);
    return samples.filter((s) => s.ok).length;
  };
  type AgentFault = { id: string; state: string; revertReason?: string; mechanism?: string; inode: number };
  /** The agent's faults of the named experiment faults (ids are `<runId>/<fault>/<pod uid>`). */
  const agentFaults = async (...names: string[]) => ((await call(agent.port, tls.pki, 'GET', '/v1/faults')).body['faults'] as AgentFault[])
    .filter((x) => names.includes(x.id.split('/')[1] as string));
  const running: Array<ReturnType<typeof spawnCli>> = [];
  const startRun = (f: string, e: Record<string, string>) => {
    const r = spawnCli(['run', f, '--output', 'jsonl', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath], { env: e });
    running.push(r);
    return r;
  };
  afterEach(async () => {
    // A failed assertion must not leave a run holding faults into the next test: SIGINT reverts them.
    for (const r of running.splice(0)) {
      if (r.child.exitCode === null && r.child.signalCode === null) {
        r.child.kill('SIGINT');
        await r.exit;
      }
    }
  });

  // The provider contract (idempotent inject, total and idempotent revert, fresh-process revert with and
  // without undo data, gone target, aborted signal) against the real agent: one fresh container per case.
  const contractParams: Record<string, unknown> = {
    'kubernetes.pod-partition': { destinations: ['10.213.0.0/16'] },
    'kubernetes.pod-packet-loss': { probability: 0.2 },
    'kubernetes.pod-bandwidth': { rate: '1MiB/s' },
    'kubernetes.pod-latency': { latency: '20ms', destinations: ['10.213.0.1:80'] },
  };
  let contractPods = 0;
  for (const [type, params] of Object.entries(contractParams)) {
    testFaultProviderContract(`${type} (real agent, real container)`, {
      timeoutMs: 120_000,
      setup: async () => {
        const box = await docker.start();
        const ns = findContainerNetns(box.id) as NetnsHandle;
        const name = `contract-${++contractPods}`;
        const startedAt = '2026-01-01T00:00:00Z';
        kube.seed([{
          apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels: { app: 'contract' } },
          spec: { nodeName: node, containers: [{ name: 'c', image: 'faultline/busybox:test' }] },
          status: { phase: 'Running', podIP: box.ip, containerStatuses: [{ name: 'c', image: 'faultline/busybox:test', imageID: '', containerID: `docker://${box.id}`, ready: true, restartCount: 0, state: { running: { startedAt } } }] },
        }]);
        const make = () => kubernetesPlugin({
          kubeconfigPath: kube.kubeconfigPath, timeoutMs: 10_000,
          agents: { tlsDir: clientDir, serverName: 'localhost', endpoints: { [node]: `127.0.0.1:${agent.port}` }, leaseMs: 60_000 },
        });
        const plugin = make();
        const pick = (p: ReturnType<typeof make>) => p.faults!.find((f) => f.type === type)!;
        const resolver = plugin.resolvers![0]!;
        const [target] = await resolver.resolve({ kind: 'Pod', namespace: 'shop', name }, { signal: new AbortController().signal, log: silentLogger, timeoutMs: 10_000 }) as Target[];
        let gone = false;
        return {
          provider: pick(plugin), target: target!, params,
          isActive: async () => !gone && (await artefacts(ns)).length > 0,
          removeTarget: async () => {
            gone = true;
            kube.remove('v1', 'Pod', 'shop', name);
            await docker.remove(box.id);
          },
          freshProvider: () => pick(make()),
          dispose: async () => {
            if (!gone) {
              kube.remove('v1', 'Pod', 'shop', name);
              await docker.remove(box.id);
            }
          },
        };
      },
    });
  }

  it('latency and partition on a pod: measured inside it while the run holds; SIGINT reverts both, nothing is left in the namespace', async () => {
    const base = await p50();
    expect(await connects(c.ip)).toBe(3);
    const f = await experiment('pod-net', `    - { name: slow, type: kubernetes.pod-latency, target: web, with: { latency: 50ms, destinations: ["${b.ip}:7007"] } }
    - { name: cut, type: kubernetes.pod-partition, target: web, with: { destinations: ["${c.ip}"] } }`);
    const run = startRun(f, env(30_000));
    await run.waitForLine((l) => l.includes('"to":"holding"'), 180_000);
    const held = await agentFaults('slow', 'cut');
    expect(held.map((x) => [x.id.split('/')[1], x.state, x.mechanism]).sort()).toEqual([['cut', 'applied', 'iptables'], ['slow', 'applied', expect.stringMatching(/^(netem|proxy)$/)]]);
    expect(held.every((x) => x.inode === nsA.inode)).toBe(true);
    const slow = await p50();
    console.info(`pod-latency 50ms: p50 echo RTT before ${base.toFixed(1)}ms, during ${slow.toFixed(1)}ms (added ${(slow - base).toFixed(1)}ms)`);
    expect(slow - base).toBeGreaterThanOrEqual(45); // the ask, with a margin for timer resolution; scheduling delay only adds
    expect(await connects(c.ip)).toBe(0); // partitioned destination
    expect(await connects(b.ip)).toBe(3); // every other destination still answers
    expect(await artefacts(nsA)).not.toEqual([]);
    // The agent's own measurement reaches the run's journal through FaultProvider.verify.
    const effects = run.stdout().split('\n').filter((l) => l.includes('"type":"fault-effect"')).map((l) => JSON.parse(l) as { fault: string; effect: { status: string; metric?: string } });
    expect(effects.map((e) => [e.fault, e.effect.status, e.effect.metric]).sort()).toEqual([['cut', 'effective', 'reachable-ratio'], ['slow', 'effective', 'rtt-ms']]);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(2);
    expect(await artefacts(nsA)).toEqual([]);
    expect((await agentFaults('slow', 'cut')).map((x) => [x.state, x.revertReason])).toEqual([['reverted', 'request'], ['reverted', 'request']]);
    expect(await connects(c.ip)).toBe(3);
  });

  it('SIGKILL of the run: renewals stop and the agent reverts at lease expiry by itself; recover then finds nothing left to do', async () => {
    expect(await connectLoss(a.ip, 81)).toBeLessThanOrEqual(0.02);
    const f = await experiment('pod-loss', `    - { name: lossy, type: kubernetes.pod-packet-loss, target: web, with: { probability: 0.3, direction: ingress, ports: [81] } }`);
    const run = startRun(f, env(3_000));
    await run.waitForLine((l) => l.includes('"to":"holding"'), 180_000);
    const [fault] = (await agentFaults('lossy')).filter((x) => x.state === 'applied');
    expect(fault).toBeDefined();
    // Held past several lease lengths: the run's renewals keep it.
    const firstExpiry = (await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(fault!.id)}`)).body['leaseExpiresAtMs'] as number;
    expect(await until(async () => ((await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(fault!.id)}`)).body['leaseExpiresAtMs'] as number) > firstExpiry + 3_000, 60_000)).toBe(true);
    expect((await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(fault!.id)}`)).body).toMatchObject({ state: 'applied' });
    const loss = await connectLoss(a.ip, 81);
    console.info(`pod-packet-loss 0.3 (ingress, port 81): measured ${loss.toFixed(3)} over 300 probes`);
    expect(Math.abs(loss - 0.3)).toBeLessThan(0.1);
    run.child.kill('SIGKILL');
    await run.exit;
    const killedAt = systemClock.nowMs();
    const lastExpiry = (await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(fault!.id)}`)).body['leaseExpiresAtMs'] as number;
    const reverted = async () => (await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(fault!.id)}`)).body['state'] === 'reverted';
    expect(await until(reverted, 60_000)).toBe(true);
    const now = systemClock.nowMs();
    console.info(`SIGKILL of the run -> agent reverted (50ms polling): ${now - killedAt}ms after the kill, ${now - lastExpiry}ms after the last lease expiry`);
    expect((await call(agent.port, tls.pki, 'GET', `/v1/faults/${encodeURIComponent(fault!.id)}`)).body).toMatchObject({ revertReason: 'lease-expired' });
    expect(await artefacts(nsA)).toEqual([]);
    const rec = spawnCli(['recover', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath], { env: env(3_000) });
    expect(await rec.exit).toBe(0);
  });

  it('SIGKILL of the run with a long lease: `faultline recover` in a fresh process reverts on the right agent from the journal (endpoint override, no discovery)', async () => {
    const throughput = async (bytes: number) => {
      const sink = await serveInNetns(netns.exec, findContainerNetns(b.id) as NetnsHandle, { kind: 'sink', port: 0, skipBytes: 128 * 1024 }, 20_000);
      try {
        await probeInNetns(netns.exec, nsA, { kind: 'send', host: b.ip, port: sink.port, bytes }, { ...ctx, timeoutMs: 60_000 });
        return (await sink.result)['bytesPerSec'] as number;
      } finally {
        sink.stop();
      }
    };
    const f = await experiment('pod-bw', `    - { name: narrow, type: kubernetes.pod-bandwidth, target: web, with: { rate: 256KiB/s } }
    - { name: cut2, type: kubernetes.pod-partition, target: web, with: { destinations: ["${c.ip}"], direction: egress, action: reject } }`);
    const overrides = { FAULTLINE_AGENT_ENDPOINTS: `${node}=127.0.0.1:${agent.port}`, FAULTLINE_AGENT_PORT: '1' };
    const run = startRun(f, env(300_000, overrides));
    await run.waitForLine((l) => l.includes('"to":"holding"'), 180_000);
    const held = await agentFaults('narrow', 'cut2');
    expect(held.map((x) => [x.id.split('/')[1], x.state, x.mechanism]).sort()).toEqual([['cut2', 'applied', 'iptables'], ['narrow', 'applied', 'tbf']]);
    const limit = 256 * 1024;
    const measured = await throughput(1280 * 1024);
    console.info(`pod-bandwidth 256KiB/s: measured ${Math.round(measured)} B/s (${((measured / limit - 1) * 100).toFixed(1)}%)`);
    expect(Math.abs(measured / limit - 1)).toBeLessThan(0.1);
    run.child.kill('SIGKILL');
    await run.exit;
    expect(await artefacts(nsA)).not.toEqual([]); // a 5-minute lease: nobody reverted yet
    const rec = spawnCli(['recover', '--state-dir', dir, '--kubeconfig', kube.kubeconfigPath], { env: env(300_000, overrides) });
    expect(await rec.exit).toBe(0);
    expect(await artefacts(nsA)).toEqual([]);
    const after = await agentFaults('narrow', 'cut2');
    expect(after.map((x) => [x.state, x.revertReason])).toEqual([['reverted', 'request'], ['reverted', 'request']]);
    expect(await throughput(4 * 1024 * 1024)).toBeGreaterThan(limit * 4);
  });
});
