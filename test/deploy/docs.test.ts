import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docPath, updatedDoc } from './configuration-doc.js';

describe('docs', () => {
  it('docs/configuration.md documents every current command and flag', async () => {
    const current = readFileSync(docPath, 'utf8');
    expect(current, 'regenerate: npx tsx --conditions=@faultline/source test/deploy/configuration-doc.ts --write').toBe(await updatedDoc(current));
  });

  it('docs/configuration.md covers every FAULTLINE_* environment variable the code reads', () => {
    const doc = readFileSync(docPath, 'utf8');
    const root = join(docPath, '..', '..');
    const sources = ['apps/cli/src/main.ts', 'apps/cli/src/commands/remote.ts', 'deploy/docker/Dockerfile', 'packages/faults-kubernetes/src/pod-network/agent-options.ts'].map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
    const vars = [...new Set(sources.match(/FAULTLINE_[A-Z_]+/g) ?? [])];
    expect(vars.length).toBeGreaterThan(3);
    for (const v of vars) expect(doc, v).toContain(`\`${v}\``);
  });

  it('the install, security and operations guides exist and link each other', () => {
    for (const f of ['install.md', 'security.md', 'operations.md']) {
      const text = readFileSync(join(docPath, '..', f), 'utf8');
      expect(text.length, f).toBeGreaterThan(1500);
    }
  });
});
