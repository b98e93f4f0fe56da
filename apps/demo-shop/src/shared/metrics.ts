import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The metrics every demo service exposes on /metrics. Each service instance has its own registry,
 * so several services (and tests) can live in one process.
 */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'service' | 'route' | 'code'>;
  readonly errors: Counter<'service' | 'route' | 'code'>;
  readonly duration: Histogram<'service' | 'route' | 'code'>;
  readonly upstreamTimeouts: Counter<'service' | 'upstream'>;
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({
      name: 'requests_total',
      help: 'HTTP requests answered, by service, route template and status code.',
      labelNames: ['service', 'route', 'code'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'request_errors_total',
      help: 'HTTP requests answered with a 5xx status.',
      labelNames: ['service', 'route', 'code'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'request_duration_seconds',
      help: 'Time from receiving a request to finishing the answer.',
      labelNames: ['service', 'route', 'code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    upstreamTimeouts: new Counter({
      name: 'upstream_timeouts_total',
      help: 'Calls to an upstream service abandoned because they took too long (client timeout or request deadline).',
      labelNames: ['service', 'upstream'],
      registers: [registry],
    }),
  };
}
