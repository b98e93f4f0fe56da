import fp from 'fastify-plugin';
import { ForbiddenError, type Clock, type Registry } from '@faultline/core';
import type { Store } from '@faultline/store';
import type { ExperimentParser } from '../experiment-parser.js';
import { dashboardApiRoutes } from './dashboard-api.js';
import { sessionRoutes } from './session-routes.js';
import { staticRoutes } from './static-routes.js';

export interface DashboardOptions {
  store: Store;
  registry: Registry;
  parse: ExperimentParser;
  authRequired: boolean;
  clock: Clock;
  /** Where the built assets are (tests); default: @faultline/dashboard-ui's assets folder. */
  assetsDir?: string;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The web dashboard: static UI, the session exchange (token -> HttpOnly cookie) and two editor helpers.
 * It also refuses mutations a browser marks as cross-site (Sec-Fetch-Site / Origin), which protects a
 * `--no-auth` loopback controller from other web pages; CLIs and API clients do not send those headers.
 */
export const dashboardPlugin = fp<DashboardOptions>(async (app, opts) => {
  app.addHook('onRequest', async (request) => {
    if (safeMethods.has(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const crossSite = (typeof site === 'string' && site !== 'same-origin' && site !== 'none')
      || (typeof origin === 'string' && origin !== 'null' && originHost(origin) !== request.headers.host)
      || origin === 'null';
    if (crossSite) {
      throw new ForbiddenError(`refusing a cross-site ${request.method} ${request.url.split('?')[0] ?? ''} (Origin ${origin ?? '-'}, Sec-Fetch-Site ${String(site ?? '-')})`, {
        hint: 'use the dashboard served by this controller, or call the API from a non-browser client with a bearer token',
      });
    }
  });
  await app.register(sessionRoutes, { store: opts.store, authRequired: opts.authRequired, clock: opts.clock });
  await app.register(dashboardApiRoutes, { parse: opts.parse, registry: opts.registry });
  await app.register(staticRoutes, opts.assetsDir ? { assetsDir: opts.assetsDir } : {});
}, { name: 'dashboard', dependencies: ['auth'] });

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
