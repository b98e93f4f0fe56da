/**
 * Writes packages/spec/src/validate/precompiled/experiment-validator.generated.ts: the experiment
 * schema's validator as Ajv standalone code, so parsing an experiment compiles no schema at start-up.
 * `tsc -b` compiles it into dist; scripts/pack-cli.mjs bundles it from src.
 *
 *   npx tsx --conditions=@faultline/source packages/spec/scripts/generate-validator.ts           # write
 *   npx tsx --conditions=@faultline/source packages/spec/scripts/generate-validator.ts --check   # fail if stale
 *
 * Run it after changing the experiment schema (packages/spec/src/schema) or upgrading Ajv; the spec
 * package's experiment-validator.test.ts fails until you do.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { experimentValidatorSource, REGENERATE_COMMAND } from '../src/validate/precompiled/validator-source.js';

const out = fileURLToPath(new URL('../src/validate/precompiled/experiment-validator.generated.ts', import.meta.url));
const text = experimentValidatorSource();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (current !== text) {
    process.stderr.write(`${out} is stale; regenerate it with: ${REGENERATE_COMMAND}\n`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out} (${text.length} bytes)\n`);
}
