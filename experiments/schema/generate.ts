/**
 * Writes experiments/schema/experiment.schema.json and gameday.schema.json, the JSON Schemas editors use
 * through `# yaml-language-server: $schema=./schema/experiment.schema.json` (or `gameday.schema.json`).
 *
 *   npx tsx --conditions=@faultline/source experiments/schema/generate.ts            # every provider
 *   npx tsx --conditions=@faultline/source experiments/schema/generate.ts --check    # fail if stale (CI)
 *
 * Building the plugins has no side effects: Kubernetes and Docker connect on first use only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegistry } from '@faultline/core';
import { dockerPlugin } from '@faultline/faults-docker';
import { httpPlugin } from '@faultline/faults-http';
import { kubernetesPlugin } from '@faultline/faults-kubernetes';
import { toxiproxyPlugin } from '@faultline/faults-toxiproxy';
import { probesPlugin } from '@faultline/probes';
import { renderExperimentJsonSchema } from '@faultline/spec';
import { renderGameDayJsonSchema } from '@faultline/gameday';

const registry = createRegistry([toxiproxyPlugin(), kubernetesPlugin(), dockerPlugin({}), probesPlugin(), httpPlugin()]);
const outputs = [
  { out: fileURLToPath(new URL('./experiment.schema.json', import.meta.url)), text: renderExperimentJsonSchema(registry) },
  { out: fileURLToPath(new URL('./gameday.schema.json', import.meta.url)), text: renderGameDayJsonSchema(registry) },
];

for (const { out, text } of outputs) {
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (current !== text) {
      process.stderr.write(`${out} is stale; regenerate it with: npx tsx --conditions=@faultline/source experiments/schema/generate.ts\n`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(out, text);
    process.stdout.write(`wrote ${out} (${text.length} bytes, ${registry.faults.size} fault types, ${registry.resolvers.size} target kinds, ${registry.probes.size} probe kinds)\n`);
  }
}
