import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { systemClock, type Clock, type Registry } from '@faultline/core';
import type { Store } from '@faultline/store';
import { authPlugin } from './plugins/auth.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { runsRoutes } from './routes/runs.js';
import { experimentsRoutes } from './routes/experiments.js';
import { runForgetRoutes } from './routes/run-forget.js';
import { adminRoutes, healthRoutes } from './routes/admin.js';
import { schedulesRoutes } from './routes/schedules.js';
import { gamedaysRoutes } from './routes/gamedays.js';
import type { GameDayHost } from './gameday-host.js';
import type { RunHost } from './run-host.js';
import type { ControllerMetrics } from './metrics.js';
import { experimentParser } from './experiment-parser.js';
import { acceptEmptyJsonBodies } from './request-bodies.js';
import type { ScheduleService } from './schedule-service.js';
import { dashboardPlugin } from './dashboard/plugin.js';

export interface AppDeps {
  store: Store;
  registry: Registry;
  runHost: RunHost;
  metrics: ControllerMetrics;
  schedules?: ScheduleService;
  /** Game days (POST /v1/gamedays, notes, gates, SSE). */
  gamedays?: GameDayHost;
  /** Require a bearer token on /v1 routes (default true). */
  authRequired?: boolean;
  /** Requests per minute per client; false disables (benchmarks). Default 600. */
  rateLimitPerMinute?: number | false;
  /** Max request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  ready?: () => boolean;
  logger?: boolean;
  ssePollMs?: number;
  /** Where routes read "now" (schedule previews). Default: the system clock. */
  clock?: Clock;
  /** The controller's host allow-list (`--allow-host`): notify and Grafana URLs of submitted experiments must match it. */
  allowHosts?: readonly string[];
  /** Serve the web dashboard at /ui (default true). */
  dashboard?: boolean;
  /** Where the built dashboard is (tests); default: @faultline/dashboard-ui's assets folder. */
  dashboardAssetsDir?: string;
}

/** Builds the controller's HTTP app. Never listens (server.ts does); tests use app.inject. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ? { level: 'info', redact: ['req.headers.authorization'] } : false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(errorHandlerPlugin);
  acceptEmptyJsonBodies(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Faultline controller API', version: '1', description: 'Chaos experiments that always clean up after themselves. Bearer tokens with scopes read < run < admin.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  if (deps.rateLimitPerMinute !== false) {
    await app.register(rateLimit, {
      max: deps.rateLimitPerMinute ?? 600,
      timeWindow: '1 minute',
      keyGenerator: (req) => (req.headers.authorization ? `token:${req.headers.authorization.slice(-16)}` : `ip:${req.ip}`),
    });
  }
  await app.register(authPlugin, { store: deps.store, required: deps.authRequired ?? true });
  const parse = experimentParser(deps.registry, deps.allowHosts ? { allowHosts: deps.allowHosts } : {});
  if (deps.dashboard !== false) {
    await app.register(dashboardPlugin, { store: deps.store, registry: deps.registry, parse, authRequired: deps.authRequired ?? true, clock: deps.clock ?? systemClock, ...(deps.dashboardAssetsDir ? { assetsDir: deps.dashboardAssetsDir } : {}) });
  }
  await app.register(healthRoutes, { store: deps.store, ready: deps.ready ?? (() => true), metrics: () => deps.metrics.registry.metrics() });
  await app.register(runsRoutes, { store: deps.store, runHost: deps.runHost, parse, clock: deps.clock ?? systemClock, ...(deps.ssePollMs ? { ssePollMs: deps.ssePollMs } : {}) });
  await app.register(experimentsRoutes, { store: deps.store, parse });
  await app.register(adminRoutes, { store: deps.store, runHost: deps.runHost });
  await app.register(runForgetRoutes, { store: deps.store, runHost: deps.runHost });
  if (deps.gamedays) await app.register(gamedaysRoutes, { store: deps.store, registry: deps.registry, host: deps.gamedays });
  if (deps.schedules) await app.register(schedulesRoutes, { service: deps.schedules, clock: deps.clock ?? systemClock });

  return app;
}
