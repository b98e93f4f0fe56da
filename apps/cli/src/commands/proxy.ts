import { startProxyServer, loadConfigFile } from '@faultline/proxy';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';

/** `faultline proxy`: the embedded Toxiproxy-compatible proxy, until SIGINT/SIGTERM. */
export async function proxyCommand(io: CliIo, opts: { host: string; port: number; config?: string; state?: string }): Promise<number> {
  const p = palette(io);
  // Listen for SIGINT/SIGTERM before starting: the API answers before start-up has fully finished.
  const stopped = new Promise<void>((resolve) => {
    const off = io.onSignal(() => {
      off();
      resolve();
    });
  });
  const config = opts.config ? await loadConfigFile(opts.config) : undefined;
  const server = await startProxyServer({ host: opts.host, port: opts.port, ...(config ? { config } : {}), ...(opts.state ? { stateFile: opts.state } : {}) });
  io.stdout.write(`${p.green('●')} faultline proxy (Toxiproxy-compatible API) on ${server.url}\n`);
  if (opts.host !== '127.0.0.1' && opts.host !== 'localhost' && opts.host !== '::1') {
    io.stderr.write(p.yellow(`warning: the API has no authentication and listens on ${opts.host}; anyone who can reach it can inject faults\n`));
  }
  await stopped;
  await server.close();
  io.stdout.write('proxy stopped; all proxies closed\n');
  return 0;
}
