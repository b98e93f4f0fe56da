// Writes deploy/kubernetes/rbac/<subject>.yaml from the permissions table.
// Run from the repo root: npx tsx packages/faults-kubernetes/scripts/generate-rbac.ts
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { permissionSubjects, rbacFile, renderRbacYaml } from '../src/rbac/permissions.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
for (const subject of permissionSubjects) {
  const file = join(root, rbacFile(subject));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderRbacYaml(subject));
  console.log(`wrote ${rbacFile(subject)}`);
}
