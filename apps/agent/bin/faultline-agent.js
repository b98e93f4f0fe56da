#!/usr/bin/env node
// Launcher: runs the compiled agent (built by `npm run build`, i.e. `tsc -b`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
if (!existsSync(compiled)) {
  process.stderr.write('faultline-agent: not built yet. Run `npm run build` in the repository root.\n');
  process.exit(64);
}
await import(compiled);
