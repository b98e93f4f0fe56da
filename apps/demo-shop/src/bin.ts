#!/usr/bin/env node
import { runDemoShopCli } from './cli.js';

const ctl = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ctl.abort());
process.exitCode = await runDemoShopCli(process.argv.slice(2), {
  stdout: (l) => process.stdout.write(l + '\n'),
  stderr: (l) => process.stderr.write(l + '\n'),
  signal: ctl.signal,
});
