// Runs every benchmark one after another; each prints its own table. `npm run bench` (or name some: `npm run bench -- abort api`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const all = ['abort', 'api', 'proxy', 'kubernetes', 'scheduler', 'crash'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : all;
let failed = 0;
for (const name of chosen) {
  const script = fileURLToPath(new URL(`./${name}/run.ts`, import.meta.url));
  if (!existsSync(script)) {
    console.error(`no benchmark named ${name}; known: ${all.join(', ')}`);
    failed++;
    continue;
  }
  console.log(`\n## bench/${name}`);
  const r = spawnSync(process.execPath, ['--conditions=@faultline/source', '--import', 'tsx', script], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
