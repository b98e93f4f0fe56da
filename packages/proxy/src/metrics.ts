import type { ProxyCollection } from './collection.js';
import { streamDirections } from './model.js';

/**
 * Prometheus text exposition. The two byte counters carry Toxiproxy's names and labels
 * (`-proxy-metrics`); the rest are Faultline extensions.
 */
export function renderMetrics(collection: ProxyCollection): string {
  const proxies = collection.snapshot();
  const lines: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge', help: string, samples: [Record<string, string>, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}{${formatLabels(labels)}} ${value}`);
  };
  const linkLabels = (p: (typeof proxies)[number], direction: string) => ({ direction, listener: p.listen, proxy: p.name, upstream: p.upstream });
  family(
    'toxiproxy_proxy_received_bytes_total',
    'counter',
    'The total number of bytes received on a given proxy link in a given direction.',
    proxies.flatMap((p) => streamDirections.map((d) => [linkLabels(p, d), p.stats.receivedBytes[d]] as [Record<string, string>, number])),
  );
  family(
    'toxiproxy_proxy_sent_bytes_total',
    'counter',
    'The total number of bytes sent on a given proxy link in a given direction.',
    proxies.flatMap((p) => streamDirections.map((d) => [linkLabels(p, d), p.stats.sentBytes[d]] as [Record<string, string>, number])),
  );
  family('toxiproxy_proxy_connections_total', 'counter', 'Client connections accepted.', proxies.map((p) => [{ proxy: p.name }, p.stats.connectionsTotal]));
  family('toxiproxy_proxy_connections_active', 'gauge', 'Client connections open now.', proxies.map((p) => [{ proxy: p.name }, p.connectionCount]));
  family('toxiproxy_proxy_upstream_failures_total', 'counter', 'Connections dropped because the upstream could not be reached.', proxies.map((p) => [{ proxy: p.name }, p.stats.upstreamFailures]));
  family('toxiproxy_proxy_enabled', 'gauge', '1 if the proxy is listening.', proxies.map((p) => [{ proxy: p.name }, p.enabled ? 1 : 0]));
  family(
    'toxiproxy_proxy_toxics',
    'gauge',
    'Toxics on the proxy by type and stream.',
    proxies.flatMap((p) => {
      const counts = new Map<string, number>();
      for (const t of p.toxics) counts.set(`${t.type}\u0000${t.stream}`, (counts.get(`${t.type}\u0000${t.stream}`) ?? 0) + 1);
      return [...counts].map(([key, n]) => {
        const [type = '', stream = ''] = key.split('\u0000');
        return [{ proxy: p.name, type, stream }, n] as [Record<string, string>, number];
      });
    }),
  );
  family('toxiproxy_proxy_tls_terminated_total', 'counter', 'Connections TLS-terminated by a cert_expiry toxic.', proxies.map((p) => [{ proxy: p.name }, p.stats.tlsTerminated]));
  family('toxiproxy_proxy_tls_handshake_failures_total', 'counter', 'cert_expiry handshakes the client refused (the fault worked).', proxies.map((p) => [{ proxy: p.name }, p.stats.tlsHandshakeFailures]));
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join(',');
}
