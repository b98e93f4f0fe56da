#!/usr/bin/env node
// Launcher: runs the compiled CLI (built by `npm ci`/`npm run build`, which run `tsc -b`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
if (!existsSync(compiled)) {
  process.stderr.write('faultline: the CLI is not built yet. Run `npm run build` in the repository root (npm ci does it for you).\n');
  process.exit(64);
}
await import(compiled);
