export { buildApp } from './app.js';
export type { AppDeps } from './app.js';
export { startController } from './server.js';
export type { ControllerOptions, Controller } from './server.js';
export { RunHost } from './run-host.js';
export { ControllerMetrics } from './metrics.js';
export { GameDayHost } from './gameday-host.js';
export { RetentionService, parseRetention, RETENTION_ACTOR } from './retention.js';
