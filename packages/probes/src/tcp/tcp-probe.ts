import { connect } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { systemClock, DurationString, ProbeError, parseDuration, type CallContext, type Observation, type Probe } from '@faultline/core';
import { assertHostAllowed, type AllowHosts } from '../shared/allow-hosts.js';
import { bounded, effectiveTimeoutMs, networkReason } from '../shared/bounded.js';

export const tcpProbeParams = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'Host name or IP address to connect to.' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port.' }),
    timeout: Type.Optional(DurationString('Connect timeout, e.g. 500ms; the tighter of this and the probe timeout wins.')),
  },
  { additionalProperties: false, description: 'Opens one TCP connection and closes it again.' },
);
export type TcpProbeParams = Static<typeof tcpProbeParams>;

function connectOnce(host: string, port: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = systemClock.monotonic();
    const socket = connect({ host, port, signal });
    socket.once('connect', () => {
      const latency = systemClock.monotonic() - started;
      // Nothing to say: close at once so the probe leaves no half-open connection behind.
      socket.destroy();
      resolve(latency);
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

/**
 * Creates the `tcp` probe: connects to host:port and closes. Observation: value true, latencyMs the
 * connect time. Throws ProbeError when it cannot connect (refused, unreachable, timeout, disallowed host).
 */
export function createTcpProbe(opts: { allowHosts?: AllowHosts } = {}): Probe<TcpProbeParams> {
  return {
    kind: 'tcp',
    paramsSchema: tcpProbeParams,
    summary: 'Opens a TCP connection to host:port and observes the connect time.',
    async observe(params: TcpProbeParams, ctx: CallContext): Promise<Observation> {
      if (!Number.isInteger(params.port) || params.port < 1 || params.port > 65535) {
        throw new ProbeError(`tcp probe: port ${params.port} is not a TCP port (1-65535)`);
      }
      assertHostAllowed(params.host, opts.allowHosts, 'tcp');
      const where = params.host.includes(':') ? `[${params.host}]:${params.port}` : `${params.host}:${params.port}`;
      const timeoutMs = effectiveTimeoutMs(ctx, params.timeout === undefined ? undefined : parseDuration(params.timeout));
      const latencyMs = await bounded(
        {
          what: `tcp connect to ${where}`,
          ctx,
          timeoutMs,
          describe: (err) => new ProbeError(`tcp connect to ${where} failed: ${networkReason(err)}`, { cause: err, retryable: true }),
        },
        (signal) => connectOnce(params.host, params.port, signal),
      );
      return { value: true, latencyMs, detail: `tcp ${where} connected in ${Math.round(latencyMs)}ms` };
    },
  };
}
