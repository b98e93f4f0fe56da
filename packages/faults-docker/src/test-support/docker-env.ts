import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { request } from 'node:http';
import Dockerode from 'dockerode';
import { silentLogger, withTimeout, type CallContext, type FaultProvider, type Target } from '@faultline/core';
import { dockerPlugin, type DockerPluginOptions } from '../plugin.js';
import { resolveEndpoint } from '../shared/endpoint.js';
import { UNDO_LABELS } from '../shared/undo-record.js';

/** The image scripts/docker-env.sh builds from busybox-static (sh, httpd, nc); nothing is pulled. */
export const TEST_IMAGE = 'faultline/busybox:test';
export const TEST_LABEL = 'faultline.test';
const START_HINT = 'start one with: bash scripts/docker-env.sh start';

/**
 * Checked once per test file at import: is a Docker engine answering, with the test image?
 * Missing engine: a loud warning and the suites skip; with CI=true it throws, failing the file.
 */
export async function detectDocker(): Promise<{ available: boolean; reason?: string }> {
  const docker = new Dockerode(resolveEndpoint(undefined).options);
  let reason: string | undefined;
  try {
    await withTimeout('docker ping', 3000, () => docker.ping());
    try {
      await withTimeout('docker image inspect', 3000, () => docker.getImage(TEST_IMAGE).inspect());
    } catch {
      reason = `the Docker engine answers but has no image ${TEST_IMAGE}`;
    }
  } catch (err) {
    reason = `no Docker engine answers (${err instanceof Error ? err.message : String(err)})`;
  }
  if (!reason) return { available: true };
  if (process.env['CI'] === 'true') {
    throw new Error(`faults-docker: ${reason}. CI=true, so a missing engine is a failure, not a skip; ${START_HINT}`);
  }
  console.warn(`\n*** faults-docker: ${reason}; the real-engine tests are SKIPPED. To run them, ${START_HINT} ***\n`);
  return { available: false, reason };
}

export function testCtx(overrides: Partial<CallContext> = {}): CallContext {
  return { signal: new AbortController().signal, log: silentLogger, timeoutMs: 15_000, ...overrides };
}

/** A container running busybox httpd on :80 that exits promptly on SIGTERM (sh traps it; PID 1 ignores it otherwise). */
export const HTTPD_CMD = ['sh', '-c', 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait'];

export interface TestContainer {
  readonly id: string;
  readonly name: string;
}

/**
 * Creates and cleans up the containers and networks of one test file. Everything carries
 * `faultline.test=1` plus a per-file run label, so parallel files never remove each other's things.
 */
export class DockerTestEnv {
  readonly docker = new Dockerode(resolveEndpoint(undefined).options);
  readonly suite = `t${randomBytes(4).toString('hex')}`;
  private readonly labels = { [TEST_LABEL]: '1', 'faultline.test.suite': this.suite };

  plugin(opts: DockerPluginOptions = {}) {
    return dockerPlugin({ selfContainerIds: [], timeoutMs: 15_000, ...opts });
  }

  fault<P, U extends import('@faultline/core').Json>(type: string, opts: DockerPluginOptions = {}): FaultProvider<P, U> {
    const f = this.plugin(opts).faults?.find((x) => x.type === type);
    if (!f) throw new Error(`no fault ${type} in dockerPlugin`);
    return f as FaultProvider<P, U>;
  }

  async network(opts: { subnet?: string } = {}): Promise<{ id: string; name: string }> {
    const name = `${this.suite}-net-${randomBytes(2).toString('hex')}`;
    const net = await this.docker.createNetwork({
      Name: name,
      Labels: this.labels,
      ...(opts.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: opts.subnet }] } } : {}),
    });
    return { id: net.id, name };
  }

  async container(opts: { network?: string; ip?: string; aliases?: string[]; labels?: Record<string, string>; cmd?: string[] } = {}): Promise<TestContainer> {
    const name = `${this.suite}-c-${randomBytes(3).toString('hex')}`;
    const c = await this.docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: opts.cmd ?? HTTPD_CMD,
      Labels: { ...this.labels, ...(opts.labels ?? {}) },
      HostConfig: { ...(opts.network ? { NetworkMode: opts.network } : {}) },
      ...(opts.network
        ? {
            NetworkingConfig: {
              EndpointsConfig: {
                [opts.network]: {
                  ...(opts.aliases ? { Aliases: opts.aliases } : {}),
                  ...(opts.ip ? { IPAMConfig: { IPv4Address: opts.ip } } : {}),
                },
              },
            },
          }
        : {}),
    });
    await c.start();
    return { id: c.id, name };
  }

  async inspect(id: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
    try {
      return await this.docker.getContainer(id).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /** The container's address on `network` (or its first network). */
  async ip(id: string, network?: string): Promise<string> {
    const info = await this.docker.getContainer(id).inspect();
    const eps = info.NetworkSettings.Networks;
    const ep = network ? eps[network] : Object.values(eps)[0];
    if (!ep?.IPAddress) throw new Error(`container ${id.slice(0, 12)} has no address on ${network ?? 'any network'}`);
    return ep.IPAddress;
  }

  async target(id: string): Promise<Target> {
    const info = await this.docker.getContainer(id).inspect();
    const name = info.Name.replace(/^\//, '');
    return { id: `docker:container/${info.Id}`, kind: 'docker', name, labels: info.Config.Labels ?? {}, ref: { containerId: info.Id, name, endpoint: 'test' } };
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  /** Removes every container, network and undo record this file created. */
  async cleanup(): Promise<void> {
    const filter = { label: [`faultline.test.suite=${this.suite}`] };
    const containers = await this.docker.listContainers({ all: true, filters: filter });
    const ids = new Set(containers.map((c) => c.Id));
    await Promise.all(containers.map((c) => this.remove(c.Id)));
    const nets = await this.docker.listNetworks({ filters: filter });
    for (const n of nets) await this.docker.getNetwork(n.Id).remove();
    const vols = await this.docker.listVolumes({ filters: { label: [UNDO_LABELS.runId] } });
    for (const v of vols.Volumes ?? []) {
      const cid = v.Labels?.[UNDO_LABELS.containerId];
      if (cid && (ids.has(cid) || !(await this.inspect(cid)))) await this.docker.getVolume(v.Name).remove().catch(() => undefined);
    }
  }
}

/** One TCP connect attempt within `timeoutMs`: true when it connects (or, with `refusedCounts`, is refused). */
function tcpAttempt(host: string, port: number, timeoutMs: number, refusedCounts: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', (err: NodeJS.ErrnoException) => done(refusedCounts && err.code === 'ECONNREFUSED'));
  });
}

/** One TCP connect: true when it completes within `timeoutMs`. */
export function tcpConnects(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return tcpAttempt(host, port, timeoutMs, false);
}

/** GET http://host/ : the status, or 'timeout' / 'error'. */
export function httpGet(host: string, timeoutMs: number): Promise<number | 'timeout' | 'error'> {
  return new Promise((resolve) => {
    const req = request({ host, port: 80, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => {
      req.destroy();
      resolve('timeout');
    });
    req.once('error', () => resolve('error'));
    req.end();
  });
}

/** One TCP connect attempt: true when the peer answered (accepted or refused) within `timeoutMs`. */
export function tcpAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return tcpAttempt(host, port, timeoutMs, true);
}

/**
 * Share of `n` TCP connect attempts (`concurrency` at a time) that got no answer within `timeoutMs`.
 * Probe a CLOSED port: the kernel answers each SYN with one RST, so every probe is exactly one packet
 * each way and no application backlog (half-open connections piling up in httpd) skews the count.
 */
export async function measureConnectLoss(host: string, port: number, opts: { n: number; timeoutMs: number; concurrency: number }): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < opts.n) {
      next++;
      if (!(await tcpAnswers(host, port, opts.timeoutMs))) failed++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return failed / opts.n;
}

/** Waits until busybox httpd in a just-started container serves (start returns before it listens). */
export async function serves(ip: string, timeoutMs = 10_000): Promise<boolean> {
  return eventually(async () => (await httpGet(ip, 1000)) === 200, timeoutMs);
}

/** Polls `check` (engine state has no push API we can await cheaply) until true or `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}
