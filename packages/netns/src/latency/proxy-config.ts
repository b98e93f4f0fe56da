import { parseArtefactName } from '@faultline/core';

/** What the in-namespace latency proxy gets on its command line. */
export interface LatencyProxyConfig {
  readonly upstreams: readonly string[];
  readonly latencyMs: number;
  readonly jitterMs: number;
}

/** Marker in the proxy's argv so a sweep finds it in /proc/PID/cmdline: `faultline-netns-proxy`. */
export const PROXY_MARKER = 'faultline-netns-proxy';

export function latencyProxyArgs(tag: string, config: LatencyProxyConfig): string[] {
  return [PROXY_MARKER, tag, JSON.stringify(config)];
}

export function parseLatencyProxyArgs(argv: readonly string[]): LatencyProxyConfig & { tag: string } {
  const [marker, tag, json] = argv;
  if (marker !== PROXY_MARKER || !tag || !parseArtefactName(tag) || !json) {
    throw new Error(`usage: proxy-child ${PROXY_MARKER} <faultline-tag> <config JSON>; got ${argv.join(' ')}`);
  }
  const c = JSON.parse(json) as LatencyProxyConfig;
  if (!Array.isArray(c.upstreams) || typeof c.latencyMs !== 'number' || typeof c.jitterMs !== 'number') throw new Error(`bad latency proxy config ${json}`);
  return { tag, ...c };
}
