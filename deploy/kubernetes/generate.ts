// Writes the generated part of deploy/kubernetes (base and RBAC components) from the same code as
// `faultline manifests`. Run: npx tsx --conditions=@faultline/source deploy/kubernetes/generate.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedKustomizeFiles } from '../../apps/cli/src/manifests/kustomize-files.js';

const here = dirname(fileURLToPath(import.meta.url));
for (const [path, content] of Object.entries(generatedKustomizeFiles())) {
  mkdirSync(dirname(join(here, path)), { recursive: true });
  writeFileSync(join(here, path), content);
  process.stdout.write(`wrote deploy/kubernetes/${path}\n`);
}
