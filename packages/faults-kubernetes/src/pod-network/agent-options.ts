import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '@faultline/core';
import type { AgentTls } from './agent-client.js';

/** How the pod network faults find and talk to node agents (plugin option `agents`). */
export interface AgentOptions {
  /**
   * Directory with the controller's mTLS material as `faultline-agent pki --out DIR` writes it: `ca.crt`
   * (the agent CA), `controller.crt`, `controller.key`. Or give `tls` directly.
   */
  readonly tlsDir?: string;
  readonly tls?: AgentTls;
  /** Namespace of the agent DaemonSet (default `faultline`). */
  readonly namespace?: string;
  /** Label selector of its pods (default `app.kubernetes.io/name=faultline-agent`). */
  readonly labelSelector?: string;
  /** The agents' port (default 9443). */
  readonly port?: number;
  /** Name the agent certificate must carry (default `faultline-agent`; issue it with `--names faultline-agent`). */
  readonly serverName?: string;
  /** node name -> `host:port`, used instead of discovery for those nodes (tests, laptops, agents outside the cluster). */
  readonly endpoints?: Readonly<Record<string, string>>;
  /** Lease given to the agent and renewed every third of it (default 30 s; 1 s to 10 min). */
  readonly leaseMs?: number;
  /** Per agent call (default 15 s). */
  readonly timeoutMs?: number;
}

export interface ResolvedAgentOptions {
  readonly tls: () => AgentTls;
  readonly namespace: string;
  readonly labelSelector: string;
  readonly port: number;
  readonly serverName: string;
  readonly endpoints: Readonly<Record<string, string>>;
  readonly leaseMs: number;
  readonly timeoutMs: number;
}

export function resolveAgentOptions(o: AgentOptions = {}): ResolvedAgentOptions {
  const leaseMs = o.leaseMs ?? 30_000;
  if (!Number.isInteger(leaseMs) || leaseMs < 1_000 || leaseMs > 600_000) {
    throw new UsageError(`agent lease ${leaseMs}ms is outside 1s..10min`, { hint: 'set FAULTLINE_AGENT_LEASE_MS (or agents.leaseMs) between 1000 and 600000' });
  }
  let tls: AgentTls | undefined = o.tls;
  return {
    // Read on first use: registering the plugin never fails on machines that use no pod network fault.
    tls: () => (tls ??= readTls(o.tlsDir)),
    namespace: o.namespace ?? 'faultline',
    labelSelector: o.labelSelector ?? 'app.kubernetes.io/name=faultline-agent',
    port: o.port ?? 9443,
    serverName: o.serverName ?? 'faultline-agent',
    endpoints: o.endpoints ?? {},
    leaseMs,
    timeoutMs: o.timeoutMs ?? 15_000,
  };
}

function readTls(dir: string | undefined): AgentTls {
  if (!dir) {
    throw new UsageError('kubernetes.pod-* network faults talk to the faultline-agent on each node over mutual TLS, but no client certificate is configured', {
      hint: 'set FAULTLINE_AGENT_TLS_DIR to a directory with ca.crt, controller.crt and controller.key (faultline-agent pki --out DIR)',
    });
  }
  try {
    return { caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'), certPem: readFileSync(join(dir, 'controller.crt'), 'utf8'), keyPem: readFileSync(join(dir, 'controller.key'), 'utf8') };
  } catch (err) {
    throw new UsageError(`cannot read the agent client certificate from ${dir}: ${(err as Error).message}`, {
      hint: 'the directory needs ca.crt, controller.crt and controller.key, as `faultline-agent pki --out DIR` writes them',
    });
  }
}

/** `node-a=10.0.0.5:9443,node-b=127.0.0.1:9443` (FAULTLINE_AGENT_ENDPOINTS) as a map. */
export function parseAgentEndpoints(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)=(\S+:\d{1,5})$/.exec(part);
    if (!m) throw new UsageError(`agent endpoint "${part}" is not node=host:port`, { hint: 'e.g. FAULTLINE_AGENT_ENDPOINTS=node-a=10.0.0.5:9443,node-b=127.0.0.1:9443' });
    out[m[1] as string] = m[2] as string;
  }
  return out;
}

/** Agent options from the environment (the CLI and the controller use these). */
export function agentOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): AgentOptions {
  const num = (k: string) => (env[k] ? Number(env[k]) : undefined);
  const port = num('FAULTLINE_AGENT_PORT');
  const leaseMs = num('FAULTLINE_AGENT_LEASE_MS');
  return {
    ...(env['FAULTLINE_AGENT_TLS_DIR'] ? { tlsDir: env['FAULTLINE_AGENT_TLS_DIR'] } : {}),
    ...(env['FAULTLINE_AGENT_NAMESPACE'] ? { namespace: env['FAULTLINE_AGENT_NAMESPACE'] } : {}),
    ...(env['FAULTLINE_AGENT_SELECTOR'] ? { labelSelector: env['FAULTLINE_AGENT_SELECTOR'] } : {}),
    ...(env['FAULTLINE_AGENT_SERVER_NAME'] ? { serverName: env['FAULTLINE_AGENT_SERVER_NAME'] } : {}),
    ...(env['FAULTLINE_AGENT_ENDPOINTS'] ? { endpoints: parseAgentEndpoints(env['FAULTLINE_AGENT_ENDPOINTS']) } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(leaseMs !== undefined ? { leaseMs } : {}),
  };
}
