import { ProviderError, type Target, type TargetResolver } from '@faultline/core';
import { Type, type Static } from '@sinclair/typebox';
import { assertUrlAllowed } from '../shared/allow-hosts.js';
import { assertNoLiteralCredentials, HeadersSchema, type HeaderMap } from '../shared/headers.js';

export const HttpSelector = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'Base URL of the API (http or https); request paths are relative to it.' }),
    headers: Type.Optional(HeadersSchema),
  },
  { additionalProperties: false, description: 'An HTTP API that http.call requests go to, with headers (e.g. auth) sent on every request.' },
);
export type HttpSelector = Static<typeof HttpSelector>;

/** What an http target carries in `ref`: the base URL and headers, secret references unresolved. */
export interface HttpRef {
  readonly url: string;
  readonly headers: HeaderMap;
}

export function httpRefOf(target: Target): HttpRef {
  const ref = target.ref as Partial<HttpRef> | null;
  if (!ref || typeof ref.url !== 'string') throw new ProviderError(`target ${target.id} is not an http target (ref lacks url)`);
  return { url: ref.url, headers: (ref.headers ?? {}) as HeaderMap };
}

/** The `http` target kind: one API base URL. Refuses hosts outside allowHosts and literal credentials. */
export function httpResolver(opts: { allowHosts?: readonly string[] }): TargetResolver<HttpSelector> {
  return {
    kind: 'http',
    selectorSchema: HttpSelector,
    async resolve(selector) {
      let url: URL;
      try {
        url = new URL(selector.url);
      } catch {
        throw new ProviderError(`http target url "${selector.url}" is not a valid URL`, { hint: 'write an absolute URL such as https://config.internal/api' });
      }
      assertUrlAllowed(url, opts.allowHosts, 'http target');
      assertNoLiteralCredentials(selector.headers as HeaderMap | undefined, `http target ${url.origin}`);
      if (url.username || url.password) throw new ProviderError(`http target ${url.origin}: credentials in the URL would be journaled`, { hint: 'put them in an Authorization header with a secretRef' });
      const base = url.toString().replace(/\/$/, '');
      const ref: HttpRef = { url: base, headers: (selector.headers ?? {}) as HeaderMap };
      return [{ id: `http:${base}`, kind: 'http', name: `${url.host}${url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')}`, labels: {}, ref: ref as never }];
    },
  };
}
