import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dockerPlugin } from '@faultline/faults-docker';
import { DockerTestEnv, detectDocker } from '../../../packages/faults-docker/src/test-support/docker-env.js';
import { startController, type Controller } from './server.js';
import { experimentParser } from './experiment-parser.js';
import { backgroundRetryNotes, retriedReason, revertPendingMetric, runState, until, untilHolding } from './test-support/revert-pending.js';

// Revert while the Docker engine is unreachable. The machine's dockerd stays up (other tests use it): the
// plugin reaches it through a TCP forwarder on 127.0.0.1 to /var/run/docker.sock, and the forwarder is
// closed (connections refused) before the revert and reopened on the same port afterwards.
const docker = await detectDocker();
const env = new DockerTestEnv();
let dir: string;
let controller: Controller | undefined;
let forwarder: EngineForwarder | undefined;

/** A TCP listener on 127.0.0.1 that pipes every connection to the local engine's socket; closable and reopenable. */
class EngineForwarder {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const engine = net.connect('/var/run/docker.sock');
      for (const s of [client, engine]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.once('error', () => {
          client.destroy();
          engine.destroy();
        });
      }
      client.pipe(engine).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts open connections: the engine is unreachable (ECONNREFUSED) until open(). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe.skipIf(!docker.available)('revert-pending while the Docker engine is unreachable', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-pending-docker-'));
  });
  afterEach(async () => {
    await controller?.close();
    controller = undefined;
    await forwarder?.close();
  });
  afterAll(async () => {
    await env.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('a paused container stays paused and the run revert-pending while the engine is unreachable; the owner\'s retry unpauses it', { timeout: 120_000 }, async () => {
    const c = await env.container();
    const paused = async () => (await env.inspect(c.id))!.State.Paused;
    forwarder = new EngineForwarder();
    await forwarder.open();
    const endpoint = `http://127.0.0.1:${forwarder.port}`;
    const plugin = dockerPlugin({ docker: { host: '127.0.0.1', port: forwarder.port, protocol: 'http' }, timeoutMs: 2_000, selfContainerIds: [] });
    controller = await startController({
      database: `sqlite:${path.join(dir, 'faultline.db')}`, port: 0, authRequired: false, rateLimitPerMinute: false,
      revertRetryMs: 100, replicaId: 'replica-d', plugins: [plugin],
    });
    const experiment = await experimentParser(controller.registry)(`apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: freeze-web }
spec:
  duration: 1h
  revert: { timeout: 1s, maxAttempts: 2, initialBackoff: 20ms, maxBackoff: 50ms }
  targets:
    web: { docker: { name: ${c.name} } }
  faults:
    - { name: freeze, type: docker.pause, target: web }
`, 'test');
    const { run } = await controller.runHost.start({ experiment, source: 'api' });
    await untilHolding(controller, run.runId);
    expect(await paused()).toBe(true);

    await forwarder.close(); // the engine's endpoint refuses connections; the container stays paused
    await controller.runHost.abort(run.runId, 'operator abort while the Docker engine is unreachable');
    await until('revert-pending', async () => (await runState(controller!, run.runId)).state === 'revert-pending');
    const reason = (await runState(controller, run.runId)).reason ?? '';
    expect(reason).toMatch(/could not revert "freeze" on .+ \(last error: docker .+ on (\S+) failed: .*ECONNREFUSED.*\)/);
    expect(reason).toContain(`on ${endpoint} failed`);
    expect(await revertPendingMetric(controller)).toBe(1);
    await until('two failed background retries', async () => (await backgroundRetryNotes(controller!, run.runId)).length >= 2);
    expect(['revert-pending', 'reverting']).toContain((await runState(controller, run.runId)).state);
    expect(await revertPendingMetric(controller)).toBe(1);
    expect(await paused()).toBe(true);

    await forwarder.open(); // reachable again on the same endpoint
    const back = performance.now();
    await until('unpaused by a retry', async () => (await runState(controller!, run.runId)).state === 'aborted');
    console.log(`docker: engine back -> run reverted in ${(performance.now() - back).toFixed(0)} ms`);
    expect(await paused()).toBe(false);
    expect((await runState(controller, run.runId)).reason).toMatch(retriedReason('replica-d'));
    expect(await revertPendingMetric(controller)).toBe(0);
  });
});
