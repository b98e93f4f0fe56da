#!/usr/bin/env node
// Builds the publishable `faultline` npm package: the CLI (and the demo shop it can start) bundled
// from the workspace sources with esbuild into ESM files, third-party packages left external and listed
// as dependencies with the versions installed here, plus the quick-start experiment and the README.
// Then runs `npm pack`. The @faultline/* workspace packages are not published; they are inside the bundle.
//
//   node scripts/pack-cli.mjs [--out <dir>]      prints the tarball's path on the last line of stdout
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const outDir = resolve(outArg >= 0 && args[outArg + 1] ? args[outArg + 1] : join(tmpdir(), `faultline-pack-${process.pid}`));
const stage = join(outDir, 'package');
const log = (s) => process.stderr.write(`pack-cli: ${s}\n`);
const fail = (s) => {
  process.stderr.write(`pack-cli: ${s}\n`);
  process.exit(1);
};

const cliPkg = JSON.parse(readFileSync(join(root, 'apps/cli/package.json'), 'utf8'));
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Version of `name` as Node would resolve it from `fromDir` (nearest node_modules upwards). */
function installedVersion(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version;
    if (dirname(dir) === dir) return undefined;
  }
}

const externals = new Map(); // name -> version
const problems = [];

/** Bundles @faultline/* (their TypeScript sources) and leaves every other package external. */
const externalsPlugin = {
  name: 'faultline-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (builtins.has(a.path)) return { path: a.path, external: true };
      const name = packageName(a.path);
      if (name.startsWith('@faultline/')) return undefined;
      const version = installedVersion(name, a.resolveDir);
      if (!version) problems.push(`${name} (imported by ${a.importer}) is not installed`);
      else if (externals.has(name) && externals.get(name) !== version) problems.push(`${name} is installed in two versions (${externals.get(name)}, ${version})`);
      else externals.set(name, version);
      return { path: a.path, external: true };
    });
    // demo.ts finds the quick-start file relative to its place in the repository; in the package the
    // bundle sits in lib/ and the experiment in experiments/.
    b.onLoad({ filter: /apps[\\/]cli[\\/]src[\\/]commands[\\/]demo\.ts$/ }, (a) => {
      const source = readFileSync(a.path, 'utf8');
      const from = "'../../../../experiments/quickstart.yaml'";
      if (!source.includes(from)) problems.push(`${a.path} no longer contains ${from}; update the rewrite in scripts/pack-cli.mjs`);
      return { contents: source.replace(from, "'../experiments/quickstart.yaml'"), loader: 'ts' };
    });
  },
};

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'bin'), { recursive: true });
const started = Date.now();
const result = await build({
  absWorkingDir: root,
  // proxy-child: @faultline/netns spawns it inside a container's network namespace (docker.latency
  // where the kernel has no netem) as `new URL('./proxy-child.js', import.meta.url)`, i.e. next to the chunks.
  entryPoints: { faultline: 'apps/cli/src/bin.ts', 'faultline-demo-shop': 'apps/demo-shop/src/bin.ts', 'proxy-child': 'packages/netns/src/latency/proxy-child.ts' },
  outdir: join(stage, 'lib'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  conditions: ['@faultline/source'],
  // Error classes name themselves from new.target.name: bundling must not rename them.
  keepNames: true,
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [externalsPlugin],
}).catch((err) => fail(`esbuild failed: ${err.message}`));
if (problems.length) fail(problems.join('\n'));
for (const w of result.warnings) log(`warning: ${w.text}`);
const bundled = Object.keys(result.metafile.inputs).filter((i) => /^(apps|packages)\//.test(i));
for (const needed of ['packages/faults-kubernetes/src/index.ts', 'packages/faults-docker/src/index.ts']) {
  if (!bundled.includes(needed)) fail(`${needed} is missing from the bundle (dynamic import not followed?)`);
}
log(`bundled ${bundled.length} workspace files in ${Date.now() - started} ms; ${externals.size} external packages`);

for (const [bin, file] of [['faultline', 'faultline.js'], ['faultline-demo-shop', 'faultline-demo-shop.js']]) {
  writeFileSync(join(stage, 'bin', `${bin}.js`), `#!/usr/bin/env node\nimport '../lib/${file}';\n`, { mode: 0o755 });
}
mkdirSync(join(stage, 'experiments', 'schema'), { recursive: true });
cpSync(join(root, 'experiments/quickstart.yaml'), join(stage, 'experiments/quickstart.yaml'));
const schema = join(root, 'experiments/schema/experiment.schema.json');
if (existsSync(schema)) cpSync(schema, join(stage, 'experiments/schema/experiment.schema.json'));
cpSync(join(root, 'README.md'), join(stage, 'README.md'));
// The web dashboard `faultline server` serves: packages/dashboard-ui finds its files at '../assets/' from the
// module, which in the package is lib/ -> assets/. Built fresh so the tarball never ships a stale bundle.
execFileSync(process.execPath, [join(root, 'packages/dashboard-ui/build.mjs')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
cpSync(join(root, 'packages/dashboard-ui/assets'), join(stage, 'assets'), { recursive: true });

const manifest = {
  name: 'faultline',
  version: cliPkg.version,
  description: 'Chaos experiments that always clean up after themselves: CLI, controller, Toxiproxy-compatible fault proxy.',
  type: 'module',
  bin: { faultline: 'bin/faultline.js', 'faultline-demo-shop': 'bin/faultline-demo-shop.js' },
  files: ['bin', 'lib', 'assets', 'experiments', 'README.md'],
  engines: { node: '>=20.19' },
  keywords: ['chaos-engineering', 'toxiproxy', 'kubernetes', 'fault-injection', 'resilience'],
  license: cliPkg.license ?? 'Apache-2.0',
  dependencies: Object.fromEntries([...externals].sort(([a], [b]) => a.localeCompare(b))),
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'inherit'] });
const [info] = JSON.parse(packed);
log(`${info.filename}: ${(info.size / 1024).toFixed(0)} kB packed, ${(info.unpackedSize / 1024).toFixed(0)} kB unpacked, ${info.entryCount} files`);
log(`dependencies: ${Object.entries(manifest.dependencies).map(([n, v]) => `${n}@${v}`).join(' ')}`);
process.stdout.write(`${join(outDir, info.filename)}\n`);
