// Test helpers, published as '@faultline/probes/test-support' for other workspaces' tests.
// Not exported from the package's main entry.
export {
  configuredPrometheus, locateRealPrometheus, realPrometheusOrSkip, registerScrapeTarget, waitForTargetUp, waitForQuery,
} from './prometheus.js';
export type { RealPrometheus, ScrapeRegistration } from './prometheus.js';
export { startHttpServer } from './http-server.js';
export type { TestHttpServer } from './http-server.js';
export { startFakePrometheus, answers } from './fake-prometheus.js';
export type { FakePrometheus, FakeAnswer } from './fake-prometheus.js';
export { testContext } from './context.js';
