import type Dockerode from 'dockerode';
import type { FaultProvider, ProviderPlugin } from '@faultline/core';
import { DockerApi } from './shared/api.js';
import { TargetSafety } from './shared/safety.js';
import { UndoRecords } from './shared/undo-record.js';
import { NetnsIptables } from './shared/netns-iptables.js';
import { createDockerResolver } from './shared/resolver.js';
import type { DockerFaultDeps } from './shared/containers.js';
import { createKillFault } from './kill/kill.js';
import { createStopFault } from './stop/stop.js';
import { createPauseFault } from './pause/pause.js';
import { createRestartFault } from './restart/restart.js';
import { createNetworkDisconnectFault } from './network-disconnect/network-disconnect.js';
import { createPacketLossFault } from './packet-loss/packet-loss.js';
import { createPartitionFault } from './partition/partition.js';
import { createBandwidthFault } from './bandwidth/bandwidth.js';
import { createLatencyFault } from './latency/latency.js';
import { NetnsFaults, preflight, type NodeCapabilities } from '@faultline/netns';
import { createDockerProbe } from './probe/docker-probe.js';
import { createDockerSweeper } from './sweeper/docker-sweeper.js';

export interface DockerPluginOptions {
  /** Engine connection; default from DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, else the local socket. */
  readonly docker?: Dockerode.DockerOptions;
  /** Opt-in label (`key=value` or `key`) every target container must carry. */
  readonly requireLabel?: string;
  /** Upper bound for each engine call (the caller's timeoutMs may lower it). Default 10s. */
  readonly timeoutMs?: number;
  /** For tests: the environment to read DOCKER_HOST from, and the ids treated as "our own container". */
  readonly env?: NodeJS.ProcessEnv;
  readonly selfContainerIds?: readonly string[];
}

/** Registry of the fault factories: the fault type comes from each provider, not a hand-kept list. */
const faultFactories = [
  createKillFault, createStopFault, createPauseFault, createRestartFault, createNetworkDisconnectFault, createPacketLossFault,
  createPartitionFault, createBandwidthFault, createLatencyFault,
] as const;

/**
 * Docker faults (docker.kill | stop | pause | restart | network-disconnect | packet-loss | partition |
 * bandwidth | latency), the `docker`
 * target kind, the `docker` probe and an orphan sweeper, all on one engine. Building it makes no call.
 */
export function dockerPlugin(opts: DockerPluginOptions = {}): ProviderPlugin {
  const api = new DockerApi({ docker: opts.docker, timeoutMs: opts.timeoutMs ?? 10_000, ...(opts.env ? { env: opts.env } : {}) });
  const safety = new TargetSafety({ requireLabel: opts.requireLabel, selfIds: opts.selfContainerIds });
  let caps: Promise<NodeCapabilities> | undefined;
  const deps: DockerFaultDeps = {
    api, safety, records: new UndoRecords(api), iptables: new NetnsIptables(), netns: new NetnsFaults(),
    capabilities: () => (caps ??= preflight()),
  };
  const faults: FaultProvider<any, any>[] = faultFactories.map((make) => make(deps));
  return {
    name: 'docker',
    resolvers: [createDockerResolver({ api, safety })],
    faults,
    probes: [createDockerProbe({ api })],
    sweepers: [createDockerSweeper({ ...deps, faults })],
  };
}
