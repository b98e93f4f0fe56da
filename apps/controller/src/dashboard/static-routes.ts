import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { DASHBOARD_PREFIX, loadDashboardAssets, matchDashboardRoute, type DashboardAsset } from '@faultline/dashboard-ui';

/**
 * Strict: only our own files, no inline script or style elements, no framing, nothing fetched from
 * anywhere but the controller. (Charts draw on canvas; element.style set by scripts is allowed by CSP.)
 */
export const DASHBOARD_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", "object-src 'none'",
].join('; ');

const version = (a: DashboardAsset) => a.etag.slice(1, 13);

/** Rewrites the shell's links to `?v=<hash>` of each file, so a warm page load revalidates only the shell. */
function versioned(all: Map<string, DashboardAsset>): Map<string, DashboardAsset> {
  const shell = all.get('index.html');
  if (!shell) return all;
  let html = shell.body.toString('utf8');
  for (const a of all.values()) {
    if (a.name !== 'index.html') html = html.replaceAll(`${DASHBOARD_PREFIX}/assets/${a.name}"`, `${DASHBOARD_PREFIX}/assets/${a.name}?v=${version(a)}"`);
  }
  const body = Buffer.from(html);
  const out = new Map(all);
  out.set('index.html', { ...shell, body, gzip: gzipSync(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  return out;
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');
}

/**
 * Serves the bundled dashboard (packages/dashboard-ui/assets) from memory: `/ui/assets/*` with ETags
 * and gzip, every page path with the app shell (404 status for paths that are no page), `/` redirects.
 * Assets load on first request, so an unbuilt checkout still starts and answers 503 with the fix.
 */
export const staticRoutes: FastifyPluginAsync<{ assetsDir?: string }> = async (app, opts) => {
  let assets: Map<string, DashboardAsset> | undefined;
  let loadError: string | undefined;
  const load = () => {
    if (assets || loadError) return assets;
    try {
      assets = versioned(loadDashboardAssets(opts.assetsDir));
    } catch (err) {
      loadError = (err as Error).message;
    }
    return assets;
  };
  const send = (reply: FastifyReply, asset: DashboardAsset, acceptEncoding: string | undefined, ifNoneMatch: string | undefined, status = 200, immutable = false) => {
    securityHeaders(reply).header('etag', asset.etag).header('vary', 'accept-encoding')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : asset.type.startsWith('text/html') ? 'no-cache' : 'public, max-age=0, must-revalidate');
    if (status === 200 && ifNoneMatch === asset.etag) return reply.status(304).send();
    reply.type(asset.type).status(status);
    if (acceptEncoding && /\bgzip\b/.test(acceptEncoding)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  };
  const unavailable = (reply: FastifyReply) => securityHeaders(reply).status(503).type('text/plain; charset=utf-8').send(`${loadError ?? 'the dashboard is not built'}\n`);

  const hide = { schema: { hide: true } };
  app.get('/', hide, async (_req, reply) => reply.redirect(`${DASHBOARD_PREFIX}/runs`, 302));
  app.get(DASHBOARD_PREFIX, hide, async (_req, reply) => reply.redirect(`${DASHBOARD_PREFIX}/runs`, 302));
  app.get<{ Params: { file: string }; Querystring: { v?: string } }>(`${DASHBOARD_PREFIX}/assets/:file`, hide, async (request, reply) => {
    const all = load();
    if (!all) return unavailable(reply);
    const asset = all.get(request.params.file);
    if (!asset || asset.name === 'index.html') return securityHeaders(reply).status(404).type('text/plain; charset=utf-8').send('no such dashboard asset\n');
    // The shell links each file with ?v=<its hash>: that URL never changes content, so browsers keep it.
    return send(reply, asset, request.headers['accept-encoding'], request.headers['if-none-match'], 200, request.query.v === version(asset));
  });
  app.get(`${DASHBOARD_PREFIX}/*`, hide, async (request, reply) => {
    const all = load();
    const shell = all?.get('index.html');
    if (!shell) return unavailable(reply);
    const path = request.url.split('?')[0]?.slice(DASHBOARD_PREFIX.length) ?? '';
    const status = matchDashboardRoute(path).page === 'not-found' ? 404 : 200;
    return send(reply, shell, request.headers['accept-encoding'], request.headers['if-none-match'], status);
  });
};
