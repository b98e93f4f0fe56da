import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** One built file, ready to serve: body, gzipped body, type and a strong ETag. */
export interface DashboardAsset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Where `npm run build -w @faultline/dashboard-ui` (build.mjs) writes the bundle. Same from src/ and dist/. */
export const dashboardAssetsDir = fileURLToPath(new URL('../assets/', import.meta.url));

/**
 * Reads the built dashboard into memory (a few files, well under a megabyte). Throws with the command
 * that builds them when they are missing, so a fresh checkout says what to do instead of serving 404s.
 */
export function loadDashboardAssets(dir: string = dashboardAssetsDir): Map<string, DashboardAsset> {
  if (!existsSync(`${dir}/index.html`) || !existsSync(`${dir}/app.js`)) {
    throw new Error(`the dashboard is not built (no ${dir}index.html or app.js); run \`npm run build\` at the repository root (or \`npm run build -w @faultline/dashboard-ui\`)`);
  }
  const out = new Map<string, DashboardAsset>();
  for (const name of readdirSync(dir)) {
    const ext = name.slice(name.lastIndexOf('.'));
    const type = types[ext];
    if (!type) continue;
    const body = readFileSync(`${dir}/${name}`);
    out.set(name, { name, type, body, gzip: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }
  return out;
}
