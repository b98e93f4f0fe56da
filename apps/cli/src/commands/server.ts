import { UsageError, type ProviderPlugin, type SecretSource } from '@faultline/core';
import { parseRetention, startController } from '@faultline/controller';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { cliLogger } from '../logger.js';

export interface ServerOptions {
  host: string;
  port: number;
  database: string;
  allowHost?: string[];
  auth: boolean;
  kubernetes?: boolean;
  kubeconfig?: string;
  context?: string;
  docker?: boolean;
  verbose?: boolean;
  replicaId?: string;
  ownerTtl?: number;
  adoptEvery?: number;
  /** Requests per minute per token (per address without one); 0 turns the limit off. */
  rateLimit?: number;
  /** `90d`: delete finished runs that ended longer ago (scheduler leader, hourly). */
  retention?: string;
}

const loopback = (h: string) => h === '127.0.0.1' || h === 'localhost' || h === '::1';

/**
 * `faultline server`: the controller. Before it accepts work it reverts whatever a previous process
 * left (journal) and sweeps tagged leftovers. SIGTERM/SIGINT abort and revert active runs, then exit.
 */
export async function serverCommand(io: CliIo, opts: ServerOptions): Promise<number> {
  if (!opts.auth && !loopback(opts.host)) throw new UsageError('--no-auth is only allowed on a loopback address (127.0.0.1); create a token with `faultline tokens create` instead');
  const retentionMs = opts.retention !== undefined ? parseRetention(opts.retention, '--retention') : undefined;
  const p = palette(io);
  const plugins: ProviderPlugin[] = [];
  const secretSources: SecretSource[] = [];
  if (opts.kubernetes) {
    const { kubernetesPlugin, agentOptionsFromEnv } = await import('@faultline/faults-kubernetes');
    const kube = kubernetesPlugin({
      ...(opts.kubeconfig ? { kubeconfigPath: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}), agents: agentOptionsFromEnv(io.env),
    });
    plugins.push(kube);
    // `{ secretRef: { kubernetes: { namespace, name, key } } }`: read with the same kubeconfig, at each use.
    secretSources.push(kube.secretSource);
  }
  if (opts.docker) {
    const { dockerPlugin } = await import('@faultline/faults-docker');
    plugins.push(dockerPlugin({}));
  }
  const controller = await startController({
    host: opts.host, port: opts.port, database: opts.database, authRequired: opts.auth, plugins, secretSources,
    log: cliLogger(io, opts.verbose ?? false), logRequests: opts.verbose ?? false,
    ...(opts.allowHost?.length ? { allowHosts: opts.allowHost } : {}),
    ...(opts.replicaId ? { replicaId: opts.replicaId } : {}),
    ...(opts.ownerTtl ? { ownerTtlMs: opts.ownerTtl } : {}),
    ...(opts.adoptEvery ? { adoptEveryMs: opts.adoptEvery } : {}),
    ...(opts.rateLimit !== undefined ? { rateLimitPerMinute: opts.rateLimit === 0 ? false : opts.rateLimit } : {}),
    ...(retentionMs !== undefined ? { retentionMs } : {}),
  });
  for (const r of controller.recovery.recovered) io.stdout.write(`${p.yellow('recovered')} run ${r.runId} (${r.experiment}): ${r.detail}\n`);
  for (const s of controller.recovery.swept) io.stdout.write(`${p.yellow('swept')} ${s.description}\n`);
  io.stdout.write(`${p.green('●')} faultline controller on ${controller.url}  ${p.dim(`(replica ${controller.runHost.replicaId}; store: ${controller.store.location}; dashboard: ${controller.url}/ui/; API docs: ${controller.url}/docs)`)}\n`);
  if (!opts.auth) io.stderr.write(p.yellow('warning: authentication is off (--no-auth); anyone on this machine can start runs\n'));
  await new Promise<void>((resolve) => {
    const off = io.onSignal((signal) => {
      off();
      io.stdout.write(`${signal}: aborting active runs and reverting their faults before exiting…\n`);
      resolve();
    });
  });
  const handedOver = controller.runHost.revertPendingRunIds();
  await controller.close();
  io.stdout.write(handedOver.length
    ? `controller stopped; runs still waiting for a revert were handed over to the other replicas: ${handedOver.join(', ')}\n`
    : 'controller stopped; every run it hosted was reverted\n');
  return 0;
}
