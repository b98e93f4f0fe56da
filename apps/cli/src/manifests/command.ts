import { Option, type Command } from 'commander';
import { UsageError } from '@faultline/core/errors';
import type { CliIo } from '../io.js';
import { DEFAULT_IMAGE } from './default-image.js';
import { kubernetesFaultTypes, shortFaultName } from './fault-selection.js';

export interface ManifestsCommandOptions {
  faults: string;
  namespace: string;
  store: 'sqlite' | 'postgres';
  replicas?: number;
  image?: string;
  targetNamespace?: string[];
  allowHost?: string[];
  egressCidr?: string[];
  apiServerCidr?: string;
  storageSize?: string;
  namespaceObject: boolean;
}

/** `faultline manifests`: prints Kubernetes manifests for a controller with RBAC for the selected faults. */
export async function manifestsCommand(io: CliIo, opts: ManifestsCommandOptions): Promise<number> {
  const faults = opts.faults.trim() === 'none' ? [] : [opts.faults];
  // Loaded here, not at the top: this module is part of every CLI start-up (it defines the command).
  const { renderManifests } = await import('./render.js');
  io.stdout.write(renderManifests({
    faults,
    namespace: opts.namespace,
    store: opts.store,
    createNamespace: opts.namespaceObject,
    ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
    ...(opts.image ? { image: opts.image } : {}),
    ...(opts.targetNamespace?.length ? { targetNamespaces: opts.targetNamespace.flatMap((n) => n.split(',')) } : {}),
    ...(opts.allowHost?.length ? { allowHosts: opts.allowHost } : {}),
    ...(opts.egressCidr?.length ? { egressCidrs: opts.egressCidr.flatMap((c) => c.split(',')) } : {}),
    ...(opts.apiServerCidr ? { apiServerCidr: opts.apiServerCidr } : {}),
    ...(opts.storageSize ? { storageSize: opts.storageSize } : {}),
  }));
  return 0;
}

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--replicas must be a whole number of at least 1, got "${v}"`);
  return n;
};

/**
 * Adds `manifests` to the CLI program. main.ts wires it with
 * `addManifestsCommand(program, io, (c) => { code = c; })`.
 */
export function addManifestsCommand(program: Command, io: CliIo, setCode: (code: number) => void): Command {
  return program.command('manifests')
    .description('print Kubernetes manifests for the controller, with least-privilege RBAC for the selected fault types')
    .option('--faults <list>', `Kubernetes fault types to grant, comma-separated: ${kubernetesFaultTypes.map(shortFaultName).join(', ')}; all; or none`, 'all')
    .option('--namespace <name>', 'namespace the controller runs in', 'faultline')
    .addOption(new Option('--store <store>', 'sqlite: one replica on a PersistentVolumeClaim; postgres: URL from the Secret faultline-database').choices(['sqlite', 'postgres']).default('sqlite'))
    .option('--replicas <n>', 'controller replicas (postgres only; default 3 with postgres)', positiveInt)
    .option('--image <image>', 'controller image', DEFAULT_IMAGE)
    .option('--target-namespace <name...>', 'namespaces experiments may touch; fault roles are bound only there (default: --namespace)')
    .option('--allow-host <host...>', 'hosts probes and Toxiproxy APIs may reach (the controller\'s --allow-host)')
    .option('--egress-cidr <cidr...>', 'extra egress destinations besides namespaces labelled faultline.dev/target=true')
    .option('--api-server-cidr <cidr>', 'Kubernetes API server address range for the egress rule (default 0.0.0.0/0, ports 443 and 6443)')
    .option('--storage-size <size>', 'PersistentVolumeClaim size for the embedded store (default 1Gi)')
    .option('--no-namespace-object', 'do not emit the Namespace object')
    .action(async (o: ManifestsCommandOptions) => { setCode(await manifestsCommand(io, o)); });
}
