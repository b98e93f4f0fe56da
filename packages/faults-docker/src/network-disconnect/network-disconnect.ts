import { Type, type Static } from '@sinclair/typebox';
import { ProviderError, type FaultProvider, type Json } from '@faultline/core';
import { isNotFound, tolerating } from '../shared/api.js';
import { TARGET_KIND, type ContainerInfo } from '../shared/target-ref.js';
import { undoRecordKey } from '../shared/undo-record.js';
import { containerForInject, inspectContainer, type DockerFaultDeps } from '../shared/containers.js';

export const networkDisconnectParams = Type.Object(
  {
    network: Type.String({ minLength: 1, description: 'Name or id of the network to disconnect the container from' }),
    force: Type.Optional(Type.Boolean({ description: 'Force the disconnect (docker network disconnect -f); default false' })),
  },
  { additionalProperties: false },
);
export type NetworkDisconnectParams = Static<typeof networkDisconnectParams>;

/** How the container was attached, so revert reconnects it the same way (aliases, static IPs). */
export type NetworkDisconnectUndo = {
  containerId: string;
  networkId: string;
  networkName: string;
  wasConnected: boolean;
  aliases: string[];
  ipamConfig: { [k: string]: Json } | null;
  links: string[];
};

export const NETWORK_DISCONNECT_TYPE = 'docker.network-disconnect';

/**
 * docker.network-disconnect: detaches the container from one network; peers on it get "no route" or
 * name-resolution failures while the container keeps running. Revert reconnects it with the same
 * aliases and IPAM config (static IPv4/IPv6 addresses). The undo data is also written, before the
 * disconnect, as an undo record on the engine, since nothing on a running container can carry it.
 * Without undo data and record there is nothing we know to reconnect, so revert does nothing.
 */
export function createNetworkDisconnectFault(deps: DockerFaultDeps): FaultProvider<NetworkDisconnectParams, NetworkDisconnectUndo> {
  const key = undoRecordKey;
  return {
    type: NETWORK_DISCONNECT_TYPE,
    targetKind: TARGET_KIND,
    paramsSchema: networkDisconnectParams,
    summary: 'Disconnect the container from a network; revert reconnects it with the same aliases and addresses.',
    async inject(target, params, ctx) {
      const info = await containerForInject(deps, target, ctx);
      // dockerode's network inspect takes no abort signal; the call's timeout still bounds it.
      const net = await deps.api.call(`inspect network ${params.network}`, ctx, () =>
        deps.api.docker.getNetwork(params.network).inspect() as Promise<{ Id: string; Name: string }>);
      const recorded = await deps.records.read<NetworkDisconnectUndo>(key(target, ctx), ctx);
      const endpoint = endpointOn(info, net);
      const undo: NetworkDisconnectUndo = recorded ?? {
        containerId: info.Id,
        networkId: net.Id,
        networkName: net.Name,
        wasConnected: endpoint !== undefined,
        // Docker adds the short container id as an alias by itself; giving it back on reconnect is harmless.
        aliases: [...(endpoint?.Aliases ?? [])],
        ipamConfig: (endpoint?.IPAMConfig as { [k: string]: Json } | null | undefined) ?? null,
        links: [...(endpoint?.Links ?? [])],
      };
      if (!recorded && !undo.wasConnected) {
        throw new ProviderError(`${NETWORK_DISCONNECT_TYPE}: container ${target.name} is not connected to network ${params.network}`, {
          hint: `its networks are: ${Object.keys(info.NetworkSettings.Networks ?? {}).join(', ') || 'none'}; pick one of those`,
        });
      }
      if (!recorded) await deps.records.write({ ...key(target, ctx), faultType: NETWORK_DISCONNECT_TYPE }, undo, ctx);
      if (endpoint) {
        // 404: the endpoint vanished meanwhile, i.e. already disconnected.
        await tolerating([404], () => deps.api.call(`disconnect container ${target.name} from network ${net.Name}`, ctx, (abortSignal) =>
          deps.api.docker.getNetwork(net.Id).disconnect(withSignal({ Container: info.Id, Force: params.force ?? false }, abortSignal))));
        ctx.log.info({ runId: ctx.runId, targetId: target.id, network: net.Name }, 'container disconnected');
      }
      return undo;
    },
    async revert(target, undo, ctx) {
      const k = key(target, ctx);
      const known = undo ?? (await deps.records.read<NetworkDisconnectUndo>(k, ctx));
      const info = await inspectContainer(deps.api, k.containerId, ctx);
      if (known?.wasConnected && info && !endpointOn(info, { Id: known.networkId, Name: known.networkName })) {
        try {
          await deps.api.call(`reconnect container ${target.name} to network ${known.networkName}`, ctx, (abortSignal) =>
            deps.api.docker.getNetwork(known.networkId).connect(withSignal({
              Container: k.containerId,
              EndpointConfig: {
                Aliases: known.aliases,
                Links: known.links,
                ...(known.ipamConfig ? { IPAMConfig: known.ipamConfig } : {}),
              },
            }, abortSignal)));
          ctx.log.info({ runId: ctx.runId, targetId: target.id, network: known.networkName }, 'container reconnected');
        } catch (err) {
          // The network itself was removed: there is nothing left to reconnect to.
          if (!isNotFound(err)) throw err;
          ctx.log.warn({ runId: ctx.runId, targetId: target.id, network: known.networkName }, 'network or container is gone; nothing to reconnect');
        }
      }
      await deps.records.remove(k, ctx);
    },
  };
}

/** dockerode forwards `abortSignal` for connect/disconnect, but its typings do not list it. */
function withSignal<T extends object>(body: T, abortSignal: AbortSignal): T {
  return Object.assign(body, { abortSignal });
}

function endpointOn(info: ContainerInfo, net: { Id: string; Name: string }) {
  const eps = info.NetworkSettings.Networks ?? {};
  return eps[net.Name] ?? Object.values(eps).find((e) => e.NetworkID === net.Id);
}
