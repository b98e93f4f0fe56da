import { ProviderError, type FaultProvider } from '@faultline/core';
import { latencyParams as params, checkLatencyParams, type LatencyParams, type NodeCapabilities } from '@faultline/netns';
import type { DockerFaultDeps } from '../shared/containers.js';
import { createNetnsFault, type DockerNetnsUndo } from '../shared/netns-fault.js';

export const LATENCY_TYPE = 'docker.latency';
export const latencyParams = params;
export type { LatencyParams };
export type LatencyUndo = DockerNetnsUndo;

/** netem when asked or when `auto` finds it; the proxy otherwise. Throws before anything is applied when netem is asked for but missing. */
export function chooseLatencyMechanism(p: LatencyParams, caps: Pick<NodeCapabilities, 'netem'>): 'netem' | 'proxy' {
  const asked = p.mechanism ?? 'auto';
  if (asked === 'netem' && !caps.netem) {
    throw new ProviderError(`${LATENCY_TYPE}: mechanism netem was asked for, but this kernel has no sch_netem`, {
      hint: 'modprobe sch_netem (Ubuntu: apt-get install linux-modules-extra-$(uname -r)); or use mechanism auto/proxy with IPv4:port destinations',
    });
  }
  return asked === 'auto' ? (caps.netem ? 'netem' : 'proxy') : asked;
}

/**
 * docker.latency: delays what the container sends. With sch_netem: `tc netem delay` on each interface.
 * Without it (preflight decides, the choice is in the undo data and the log): a TCP proxy started
 * inside the container's namespace with the embedded proxy's latency toxic, and nat REDIRECT rules
 * that send connections to the named IPv4:port destinations into it (its own upstream connections are
 * excluded by `-m owner ! --gid-owner`). The proxy delays each chunk the container sends by
 * latency +/- jitter; connection set-up itself is not delayed. Revert: rules first, then the proxy.
 */
export function createLatencyFault(deps: DockerFaultDeps): FaultProvider<LatencyParams, LatencyUndo> {
  return createNetnsFault<LatencyParams>(deps, {
    type: LATENCY_TYPE,
    summary: 'Delay the container\'s traffic to named destinations (tc netem, or an in-namespace proxy where netem is missing).',
    paramsSchema: latencyParams,
    check: (p) => checkLatencyParams(p),
    measured: (params) => ({ kind: 'latency', params }),
    async apply(ns, p, tag, ctx) {
      const mechanism = chooseLatencyMechanism(p, await deps.capabilities());
      const problems = checkLatencyParams(p, mechanism);
      if (problems.length) {
        throw new ProviderError(`${LATENCY_TYPE} via ${mechanism}: ${problems.map((x) => `${x.path}: ${x.message}`).join('; ')}`, {
          hint: mechanism === 'proxy' ? 'this node has no sch_netem, so latency goes through a proxy that needs destinations as IPv4:port; or modprobe sch_netem' : 'fix the destinations',
        });
      }
      return deps.netns.applyLatency(ns, p, mechanism, tag, ctx);
    },
  });
}
