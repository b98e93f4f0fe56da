import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { FaultlineError, type Logger } from '@faultline/core';
import type { AgentErrorBody, AgentFaultStatus } from '@faultline/netns';
import type { Agent } from '../agent.js';
import { BadRequest, parseApplyRequest, parseRenewRequest } from '../faults.js';
import { CONTROLLER_CN } from '../pki/agent-pki.js';

export interface AgentServerOptions {
  readonly agent: Agent;
  readonly tls: { certPem: string; keyPem: string; caPem: string };
  /** Client certificate CNs allowed to call (default: faultline-controller). */
  readonly allowedClients?: readonly string[];
  readonly log: Logger;
  readonly maxBodyBytes?: number;
}

const STATUS: Record<string, number> = { FL_NOT_FOUND: 404, FL_CONFLICT: 409, FL_USAGE: 400, FL_PROVIDER: 502, FL_TIMEOUT: 504 };

/**
 * The agent's API over mutual TLS: the TLS handshake refuses clients without a certificate from the
 * agent CA, and the handler refuses certificates whose CN is not an allowed controller.
 *   GET    /v1/health                    node capabilities (preflight)
 *   GET    /v1/faults                    every journaled fault
 *   POST   /v1/faults                    apply (idempotent by id)
 *   POST   /v1/faults/{id}/renew         extend the lease
 *   DELETE /v1/faults/{id}               revert (idempotent)
 */
export function createAgentServer(opts: AgentServerOptions): Server {
  const allowed = new Set(opts.allowedClients ?? [CONTROLLER_CN]);
  const maxBody = opts.maxBodyBytes ?? 64 * 1024;
  const server = createServer({ cert: opts.tls.certPem, key: opts.tls.keyPem, ca: opts.tls.caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { error: 'internal', message: String(err) } satisfies AgentErrorBody));
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 120_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const cn = peer?.subject?.CN;
    if (!cn || !allowed.has(Array.isArray(cn) ? (cn[0] as string) : cn)) {
      return send(res, 403, { error: 'forbidden', message: `client certificate CN ${String(cn)} is not an allowed controller`, hint: `use a certificate with CN ${[...allowed].join(' or ')}` } satisfies AgentErrorBody);
    }
    const url = new URL(req.url ?? '/', 'https://agent');
    const path = url.pathname;
    try {
      if (req.method === 'GET' && path === '/v1/health') return send(res, 200, { ok: true, capabilities: await opts.agent.capabilities() });
      if (req.method === 'GET' && path === '/v1/faults') return send(res, 200, { faults: opts.agent.list() });
      if (req.method === 'POST' && path === '/v1/faults') return send(res, 200, await opts.agent.apply(parseApplyRequest(await readJson(req, maxBody))));
      const m = /^\/v1\/faults\/([^/]+)(\/renew)?$/.exec(path);
      if (m) {
        const id = decodeURIComponent(m[1] as string);
        if (req.method === 'POST' && m[2]) return send(res, 200, opts.agent.renew(id, parseRenewRequest(await readJson(req, maxBody)).leaseMs));
        if (req.method === 'GET' && !m[2]) return send(res, 200, opts.agent.get(id));
        if (req.method === 'DELETE' && !m[2]) return send(res, 200, (await opts.agent.revert(id)) ?? ({ id, state: 'unknown' } satisfies AgentFaultStatus));
      }
      return send(res, 404, { error: 'not-found', message: `${req.method} ${path} is not an agent route` } satisfies AgentErrorBody);
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, { error: 'bad-request', message: err.message, problems: err.problems } satisfies AgentErrorBody);
      if (err instanceof FaultlineError) return send(res, STATUS[err.code] ?? 500, { error: err.code, message: err.message, ...(err.hint !== undefined ? { hint: err.hint } : {}) } satisfies AgentErrorBody);
      throw err;
    }
  }
  return server;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) throw new BadRequest([`body larger than ${max} bytes`]);
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest(['body is not JSON']);
  }
}
