import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { systemClock } from '@faultline/core';
import { issueAgentPki, type AgentPki } from '../pki/agent-pki.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/faultline-agent.js', import.meta.url));

/** mTLS material in a temp dir, as the DaemonSet's Secret mounts it. */
export async function tlsDir(): Promise<{ dir: string; pki: AgentPki }> {
  const pki = await issueAgentPki({ clock: systemClock, serverNames: ['127.0.0.1', 'localhost'] });
  const dir = mkdtempSync(join(tmpdir(), 'fl-agent-tls-'));
  writeFileSync(join(dir, 'ca.crt'), pki.caPem);
  writeFileSync(join(dir, 'tls.crt'), pki.agent.certPem);
  writeFileSync(join(dir, 'tls.key'), pki.agent.keyPem);
  return { dir, pki };
}

/** The agent as a real process (the built bin), on an ephemeral loopback port. */
export async function startAgent(opts: { tls: string; journal: string; sweep?: 'journal' | 'all' }): Promise<{ proc: ChildProcess; port: number; started: { recovered: string[]; swept: string[] } }> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', '--tls-dir', opts.tls, '--journal', opts.journal, '--sweep', opts.sweep ?? 'journal'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = JSON.parse(buf.slice(0, nl)) as { listening: number; recovered: string[]; swept: string[] };
      resolve({ proc, port: line.listening, started: { recovered: line.recovered, swept: line.swept } });
    });
    proc.once('exit', (code) => reject(new Error(`agent exited ${code}: ${err}`)));
  });
}

/** One HTTPS call with the controller's client certificate (or `client` overrides). */
export function call(port: number, pki: AgentPki, method: string, path: string, body?: unknown, client: { certPem: string; keyPem: string } | null = pki.controller): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      host: '127.0.0.1', port, method, path, ca: pki.caPem, servername: 'localhost', timeout: 60_000,
      ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
      headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {},
    }, (res) => {
      let data = '';
      res.on('data', (d: Buffer) => { data += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) as Record<string, unknown> : {} }));
    });
    req.once('error', reject);
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.end(text);
  });
}

/** Busybox containers on one bridge network, removed by cleanup(). */
export class TestContainers {
  private readonly suite = `ag${Math.floor(Math.random() * 1e9).toString(36)}`;
  private net: Promise<string> | undefined;
  network(): Promise<string> {
    this.net ??= run('docker', ['network', 'create', '--label', 'faultline.test=1', `${this.suite}-net`]).then(() => `${this.suite}-net`);
    return this.net;
  }
  async start(): Promise<{ id: string; ip: string }> {
    const net = await this.network();
    const { stdout } = await run('docker', ['run', '-d', '--label', 'faultline.test=1', '--label', `faultline.test.suite=${this.suite}`, '--network', net,
      'faultline/busybox:test', 'sh', '-c', 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait']);
    const id = stdout.trim();
    const ip = (await run('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', id])).stdout.trim();
    return { id, ip };
  }
  async remove(id: string): Promise<void> {
    await run('docker', ['rm', '-f', id]);
  }
  async cleanup(): Promise<void> {
    const ids = (await run('docker', ['ps', '-aq', '--filter', `label=faultline.test.suite=${this.suite}`])).stdout.split('\n').filter(Boolean);
    if (ids.length) await run('docker', ['rm', '-f', '-v', ...ids]);
    if (this.net) await run('docker', ['network', 'rm', await this.net]).catch(() => undefined);
  }
}

/** Polls `check` until true or `timeoutMs` (the agent's lease loop has no event we could await from outside). */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = systemClock.monotonic() + timeoutMs;
  while (systemClock.monotonic() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
