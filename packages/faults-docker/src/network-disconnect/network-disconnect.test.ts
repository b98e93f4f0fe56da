import { randomInt } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { DockerTestEnv, detectDocker, eventually, serves, tcpConnects } from '../test-support/docker-env.js';
import { NETWORK_DISCONNECT_TYPE, type NetworkDisconnectParams, type NetworkDisconnectUndo } from './network-disconnect.js';

const { available } = await detectDocker();

describe.skipIf(!available)('docker.network-disconnect on a real engine', () => {
  const env = new DockerTestEnv();
  afterAll(() => env.cleanup());

  testFaultProviderContract<NetworkDisconnectParams, NetworkDisconnectUndo>(NETWORK_DISCONNECT_TYPE, {
    async setup() {
      const net = await env.network();
      const c = await env.container({ network: net.name });
      return {
        provider: env.fault(NETWORK_DISCONNECT_TYPE),
        target: await env.target(c.id),
        params: { network: net.name },
        isActive: async () => (await env.inspect(c.id))?.NetworkSettings.Networks[net.name] === undefined,
        removeTarget: () => env.remove(c.id),
        freshProvider: () => env.fault(NETWORK_DISCONNECT_TYPE),
        async dispose() {
          await env.remove(c.id);
          await env.docker.getNetwork(net.id).remove();
        },
      };
    },
  });

  it('really cuts the container off the network; revert restores the same address and aliases', async () => {
    // A subnet unlikely to be taken by another job's network on the same Docker engine, not a test input.
    const net = await env.network({ subnet: `10.${100 + randomInt(100)}.${randomInt(250)}.0/24` });
    const netInfo = await env.docker.getNetwork(net.id).inspect();
    const subnet = String(netInfo.IPAM?.Config?.[0]?.Subnet);
    const ip = subnet.replace(/0\/24$/, '42');
    const c = await env.container({ network: net.name, ip, aliases: ['backend', 'db'] });
    // A peer on the same network fetches from it by address (busybox nc has no -z).
    const peer = await env.container({ network: net.name, cmd: ['sleep', '300'] });
    const peerReaches = async () => {
      const exec = await env.docker.getContainer(peer.id).exec({ Cmd: ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 1 ${ip} 80 | grep -q '200 OK'`], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({});
      stream.resume();
      await new Promise((r) => stream.once('end', r));
      return (await exec.inspect()).ExitCode === 0;
    };
    expect(await serves(ip)).toBe(true);
    expect(await peerReaches()).toBe(true);

    const fault = env.fault<NetworkDisconnectParams, NetworkDisconnectUndo>(NETWORK_DISCONNECT_TYPE);
    const ctx = faultContext();
    const undo = await fault.inject(await env.target(c.id), { network: net.name }, ctx);
    expect(undo).toMatchObject({ wasConnected: true, networkName: net.name, ipamConfig: { IPv4Address: ip } });
    expect(undo.aliases).toEqual(expect.arrayContaining(['backend', 'db']));
    expect((await env.inspect(c.id))?.NetworkSettings.Networks[net.name]).toBeUndefined();
    expect(await tcpConnects(ip, 80, 1000)).toBe(false);
    expect(await peerReaches()).toBe(false);

    // A fresh process with no undo data: the undo record on the engine has what it needs.
    await env.fault<NetworkDisconnectParams, NetworkDisconnectUndo>(NETWORK_DISCONNECT_TYPE).revert(await env.target(c.id), undefined, ctx);
    const ep = (await env.inspect(c.id))?.NetworkSettings.Networks[net.name];
    expect(ep?.IPAddress).toBe(ip);
    expect(ep?.Aliases).toEqual(expect.arrayContaining(['backend', 'db']));
    expect(await eventually(() => tcpConnects(ip, 80, 1000), 5000)).toBe(true);
    expect(await eventually(peerReaches, 5000)).toBe(true);
  });

  it('refuses a network the container is not on, naming the ones it is on', async () => {
    const net = await env.network();
    const other = await env.network();
    const c = await env.container({ network: net.name });
    await expect(env.fault<NetworkDisconnectParams, NetworkDisconnectUndo>(NETWORK_DISCONNECT_TYPE)
      .inject(await env.target(c.id), { network: other.name }, faultContext())).rejects.toThrow(new RegExp(`not connected to network ${other.name}.*`));
  });
});
