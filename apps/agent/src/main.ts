import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Logger } from '@faultline/core';
import { preflight } from '@faultline/netns';
import { Agent } from './agent.js';
import { createAgentServer } from './http/agent-server.js';
import { issueAgentPki } from './pki/agent-pki.js';

/** Exit codes: 0 ok, 2 usage, 3 preflight found a problem that blocks every fault, 4 start-up failed. */
export const EXIT = { ok: 0, usage: 2, preflight: 3, startup: 4 } as const;

const USAGE = `faultline agent: per-node network faults with leases (run as root, hostPID, NET_ADMIN)

  faultline-agent serve --tls-dir DIR [--listen 0.0.0.0:9443] [--journal /var/lib/faultline-agent] [--sweep journal|all]
      DIR holds ca.crt, tls.crt, tls.key (a Secret). Prints {"listening":PORT} when ready.
  faultline-agent preflight        what this node's kernel offers (netem, tbf, iptables flavour, cgroup); exit 3 if unusable
  faultline-agent pki --out DIR --names agent.faultline.svc,10.0.0.1
      issues ca.crt, tls.crt/tls.key (agent) and controller.crt/controller.key (client)`;

function flag(args: string[], name: string, fallback?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

function jsonLogger(): Logger {
  const line = (level: string) => (fields: object, msg?: string) => {
    process.stderr.write(`${JSON.stringify({ level, time: systemClock.now().toISOString(), msg, ...fields })}\n`);
  };
  return { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') } as unknown as Logger;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'preflight') {
    const caps = await preflight();
    process.stdout.write(`${JSON.stringify(caps, null, 2)}\n`);
    return caps.nsenter && caps.iptables !== 'missing' ? EXIT.ok : EXIT.preflight;
  }
  if (command === 'pki') {
    const out = flag(args, 'out');
    const names = (flag(args, 'names') ?? '').split(',').filter(Boolean);
    if (!out || names.length === 0) return usage('pki needs --out DIR and --names');
    const pki = await issueAgentPki({ clock: systemClock, serverNames: names });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'ca.crt'), pki.caPem);
    writeFileSync(join(out, 'tls.crt'), pki.agent.certPem);
    writeFileSync(join(out, 'tls.key'), pki.agent.keyPem, { mode: 0o600 });
    writeFileSync(join(out, 'controller.crt'), pki.controller.certPem);
    writeFileSync(join(out, 'controller.key'), pki.controller.keyPem, { mode: 0o600 });
    return EXIT.ok;
  }
  if (command !== 'serve') return usage(command ? `unknown command ${command}` : 'no command');
  const tlsDir = flag(args, 'tls-dir');
  if (!tlsDir) return usage('serve needs --tls-dir');
  const [host, port] = (flag(args, 'listen', '0.0.0.0:9443') as string).split(':');
  const sweep = flag(args, 'sweep', 'journal');
  if (sweep !== 'journal' && sweep !== 'all') return usage('--sweep is journal or all');
  const log = jsonLogger();
  const caps = await preflight();
  if (!caps.nsenter || caps.iptables === 'missing') {
    log.error({ problems: caps.problems }, 'preflight: this node cannot run network faults');
    return EXIT.preflight;
  }
  for (const p of caps.problems) log.warn({ fix: p.fix }, p.what);
  const agent = new Agent({ journalDir: flag(args, 'journal', '/var/lib/faultline-agent') as string, clock: systemClock, log, sweep, capabilities: caps });
  let started;
  try {
    started = await agent.start();
  } catch (err) {
    log.error({ err: String(err) }, 'agent start-up failed');
    return EXIT.startup;
  }
  const tls = { caPem: readFileSync(join(tlsDir, 'ca.crt'), 'utf8'), certPem: readFileSync(join(tlsDir, 'tls.crt'), 'utf8'), keyPem: readFileSync(join(tlsDir, 'tls.key'), 'utf8') };
  const server = createAgentServer({ agent, tls, log });
  await new Promise<void>((resolve) => server.listen(Number(port), host, resolve));
  const addr = server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof addr === 'object' && addr ? addr.port : port, ...started })}\n`);
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down: reverting every fault');
      server.close();
      void agent.stop().then(() => resolve(EXIT.ok));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\n\n${USAGE}\n`);
  return EXIT.usage;
}
