// Bundles the dashboard (ui/) into static assets (assets/) that the controller serves.
// Runs from the root `build`, `prepare` and `test` scripts, so `npm ci` and `npm test` on a fresh
// clone always have current assets. esbuild is a build-time dependency only; the controller never bundles.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = here('./assets/');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [here('./ui/main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outfile: `${out}app.js`,
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
});
// uPlot's own stylesheet first, ours after (ours may override).
const css = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');
writeFileSync(`${out}app.css`, css + '\n' + readFileSync(here('./ui/styles.css'), 'utf8'));
copyFileSync(here('./ui/index.html'), `${out}index.html`);
copyFileSync(here('./ui/favicon.svg'), `${out}favicon.svg`);
