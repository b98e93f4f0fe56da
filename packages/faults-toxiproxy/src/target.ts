import { Type, type Static } from '@sinclair/typebox';
import { ProviderError, type Target, type TargetResolver } from '@faultline/core';
import { ToxiproxyApi } from './api-client.js';

export const DEFAULT_API = 'http://127.0.0.1:8474';

export const ToxiproxySelector = Type.Object({
  api: Type.Optional(Type.String({ format: 'uri', description: `Toxiproxy HTTP API base URL (default ${DEFAULT_API})` })),
  proxy: Type.Optional(Type.String({ minLength: 1, description: 'Name of one proxy' })),
  proxies: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Names of several proxies' })),
  match: Type.Optional(Type.String({ description: 'Regular expression on proxy names' })),
}, { additionalProperties: false, description: 'Proxies on a Toxiproxy (or the embedded faultline proxy) API' });
export type ToxiproxySelector = Static<typeof ToxiproxySelector>;

/** What a toxiproxy Target carries in `ref`: enough to revert from a fresh process. */
export interface ToxiproxyRef {
  api: string;
  proxy: string;
}

export function refOf(target: Target): ToxiproxyRef {
  const ref = target.ref as Partial<ToxiproxyRef> | null;
  if (!ref || typeof ref.api !== 'string' || typeof ref.proxy !== 'string') {
    throw new ProviderError(`target ${target.id} is not a Toxiproxy target (ref lacks api/proxy)`);
  }
  return { api: ref.api, proxy: ref.proxy };
}

export interface ToxiproxyOptions {
  timeoutMs?: number;
  /** Hosts the API URL may point at (controller allow-list). Undefined = any. */
  allowHosts?: readonly string[];
}

export function apiFor(url: string, opts: ToxiproxyOptions): ToxiproxyApi {
  if (opts.allowHosts) {
    const host = new URL(url).hostname;
    if (!opts.allowHosts.includes(host)) {
      throw new ProviderError(`Toxiproxy API host "${host}" is not in the allow-list (${opts.allowHosts.join(', ')})`, {
        hint: 'ask an operator to add it to the controller\'s allowHosts setting',
      });
    }
  }
  return new ToxiproxyApi(url, opts.timeoutMs ?? 5000);
}

export function toxiproxyResolver(opts: ToxiproxyOptions): TargetResolver<ToxiproxySelector> {
  return {
    kind: 'toxiproxy',
    selectorSchema: ToxiproxySelector,
    async resolve(selector, ctx) {
      const api = selector.api ?? DEFAULT_API;
      const proxies = await apiFor(api, opts).listProxies(ctx.signal);
      const wanted = selector.proxies ?? (selector.proxy ? [selector.proxy] : undefined);
      const re = selector.match ? new RegExp(selector.match) : undefined;
      if (wanted) {
        const missing = wanted.filter((w) => !proxies.some((p) => p.name === w));
        if (missing.length) {
          throw new ProviderError(`Toxiproxy at ${api} has no proxy named ${missing.map((m) => `"${m}"`).join(', ')} (it has: ${proxies.map((p) => p.name).join(', ') || 'none'})`);
        }
      }
      return proxies
        .filter((p) => (!wanted || wanted.includes(p.name)) && (!re || re.test(p.name)))
        .map((p) => ({
          id: `toxiproxy:${api}/${p.name}`,
          kind: 'toxiproxy',
          name: p.name,
          labels: {},
          ref: { api, proxy: p.name },
        }));
    },
  };
}
