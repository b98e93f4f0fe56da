import type { FastifyInstance } from 'fastify';
import { createRegistry, silentLogger, systemClock, type Clock, type Logger, type ProviderPlugin, type Registry, type SecretSource } from '@faultline/core';
import { defaultSecretResolver } from '@faultline/engine';
import { probesPlugin } from '@faultline/probes';
import { toxiproxyPlugin } from '@faultline/faults-toxiproxy';
import { httpPlugin } from '@faultline/faults-http';
import { openStore, type Store } from '@faultline/store';
import { buildApp } from './app.js';
import { ControllerMetrics } from './metrics.js';
import { RunHost } from './run-host.js';
import { GameDayHost } from './gameday-host.js';
import { ScheduleService } from './schedule-service.js';
import { experimentParser } from './experiment-parser.js';
import { RetentionService } from './retention.js';

export interface ControllerOptions {
  host?: string;
  port?: number;
  /** `sqlite:path`, a file path, or `postgres://...` (default: .faultline/faultline.db). */
  database?: string;
  /** Hosts probes, Toxiproxy APIs, http.call, notify webhooks and Grafana annotations may reach (CI experiments must not turn the controller into an open proxy). */
  allowHosts?: readonly string[];
  authRequired?: boolean;
  rateLimitPerMinute?: number | false;
  /** Extra provider plugins (Kubernetes, Docker) built by the caller. */
  plugins?: readonly ProviderPlugin[];
  log?: Logger;
  logRequests?: boolean;
  revertRetryMs?: number;
  haltPollMs?: number;
  /** Run the scheduler in this replica (default true). Only the lease holder fires. */
  scheduler?: boolean;
  ssePollMs?: number;
  /** The one clock for the store, runs, leases and the scheduler. Default: the system clock. */
  clock?: Clock;
  /** This replica's id, unique among live replicas on the store (default: hostname + random suffix). */
  replicaId?: string;
  /** Owner lease of each hosted run (ms, default 15000); renewed every third of it. */
  ownerTtlMs?: number;
  /** How often to adopt runs whose owner stopped renewing (ms, default 5000). */
  adoptEveryMs?: number;
  /**
   * Secret sources besides env and file, e.g. the Kubernetes plugin's `secretSource` (Secret keys read with
   * the controller's kubeconfig). References are resolved at inject, at revert, in adoption and in sweeps.
   */
  secretSources?: readonly SecretSource[];
  /** How often to sweep tagged leftovers of finished runs (ms, default 300000; 0 = only at start-up). */
  sweepEveryMs?: number;
  /** Delete finished runs that ended longer ago than this (ms), on the scheduler leader only. Default: keep forever. */
  retentionMs?: number;
  /** How often retention sweeps (ms, default hourly). */
  retentionEveryMs?: number;
}

export interface Controller {
  url: string;
  app: FastifyInstance;
  /** Present when `retentionMs` is set. */
  retention?: RetentionService;
  store: Store;
  runHost: RunHost;
  registry: Registry;
  recovery: Awaited<ReturnType<RunHost['recoverAll']>>;
  /** Graceful: refuse new runs, abort and revert active ones, close HTTP and the store. */
  close(reason?: string): Promise<void>;
}

/**
 * Starts the controller: opens the store, adopts and reverts runs whose owner stopped renewing its lease
 * (a crashed predecessor or a dead replica; live replicas' runs are not touched), sweeps tagged orphans,
 * then listens. Binds 127.0.0.1 unless told otherwise. Keeps adopting in the background (issue 14).
 */
export async function startController(opts: ControllerOptions = {}): Promise<Controller> {
  const log = opts.log ?? silentLogger;
  const clock = opts.clock ?? systemClock;
  const store = await openStore(opts.database ?? '.faultline/faultline.db', { clock });
  const allow = opts.allowHosts ? { allowHosts: [...opts.allowHosts] } : {};
  const registry = createRegistry([toxiproxyPlugin(allow), probesPlugin(allow), httpPlugin(allow), ...(opts.plugins ?? [])]);
  const metrics = new ControllerMetrics();
  const secrets = defaultSecretResolver(opts.secretSources ?? []);
  const runHost = new RunHost({
    store, registry, log, metrics, clock, secrets, ...allow,
    ...(opts.sweepEveryMs !== undefined ? { sweepEveryMs: opts.sweepEveryMs } : {}),
    ...(opts.revertRetryMs ? { revertRetryMs: opts.revertRetryMs } : {}),
    ...(opts.replicaId ? { replicaId: opts.replicaId } : {}),
    ...(opts.ownerTtlMs ? { ownerTtlMs: opts.ownerTtlMs } : {}),
    ...(opts.adoptEveryMs ? { adoptEveryMs: opts.adoptEveryMs } : {}),
  });
  let ready = false;
  const schedules = new ScheduleService({ store, runHost, parse: experimentParser(registry, allow), ...allow, secrets, log, clock });
  const gamedays = new GameDayHost({ runHost, registry, store, log, clock, secrets, ...allow });
  const app = await buildApp({
    store, registry, runHost, metrics, schedules, gamedays, clock, ready: () => ready, ...allow,
    logger: opts.logRequests ?? false,
    ...(opts.authRequired !== undefined ? { authRequired: opts.authRequired } : {}),
    ...(opts.rateLimitPerMinute !== undefined ? { rateLimitPerMinute: opts.rateLimitPerMinute } : {}),
    ...(opts.ssePollMs ? { ssePollMs: opts.ssePollMs } : {}),
  });
  const recovery = await runHost.recoverAll();
  for (const r of recovery.recovered) log.warn({ runId: r.runId, action: r.action }, `adopted run: ${r.detail}`);
  for (const s of recovery.swept) log.warn({ runId: s.runId }, `swept leftover: ${s.description}`);
  runHost.startBackgroundWork();
  gamedays.startBackgroundWork();

  // Another replica (or the CLI against the same database) may set the halt: watch it.
  const haltWatch = setInterval(() => {
    void store.getHalt().then((h) => {
      if (h.halted && runHost.activeRunIds().length) void runHost.abortAll(`global halt: ${h.reason ?? 'halted'}`, 'halt');
    }, (err) => log.warn({ err: (err as Error).message }, 'could not read the halt state'));
  }, opts.haltPollMs ?? 2000);
  haltWatch.unref();

  const url = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 });
  if (opts.scheduler !== false) schedules.start();
  const retention = opts.retentionMs !== undefined
    ? new RetentionService({ store, clock, log, maxAgeMs: opts.retentionMs, isLeader: () => schedules.status().leader, ...(opts.retentionEveryMs ? { everyMs: opts.retentionEveryMs } : {}) })
    : undefined;
  retention?.start();
  ready = true;
  let closing: Promise<void> | undefined;
  return {
    url, app, store, runHost, registry, recovery, ...(retention ? { retention } : {}),
    close(reason) {
      closing ??= (async () => {
        ready = false;
        clearInterval(haltWatch);
        await retention?.stop();
        await schedules.stop();
        await gamedays.close(reason);
        await runHost.close(reason);
        await app.close();
        await store.close();
      })();
      return closing;
    },
  };
}
