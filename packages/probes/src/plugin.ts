import type { ProviderPlugin } from '@faultline/core';
import { createHttpProbe } from './http/http-probe.js';
import { createPrometheusProbe } from './prometheus/prometheus-probe.js';
import { createTcpProbe } from './tcp/tcp-probe.js';

/** Options of the probes plugin. */
export interface ProbesPluginOptions {
  /**
   * Hosts probes may connect to: exact host names or IPs, `*.example.com`, or `*`. Undefined allows
   * every host; the controller sets it to keep experiments from probing arbitrary places.
   */
  readonly allowHosts?: readonly string[];
}

/** The `http`, `prometheus` and `tcp` probes, ready for core's createRegistry. */
export function probesPlugin(opts: ProbesPluginOptions = {}): ProviderPlugin {
  const shared = opts.allowHosts === undefined ? {} : { allowHosts: [...opts.allowHosts] };
  return {
    name: 'probes',
    probes: [createHttpProbe(shared), createPrometheusProbe(shared), createTcpProbe(shared)],
  };
}
