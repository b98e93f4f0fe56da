import { ConflictError, NotFoundError, UsageError } from '@faultline/core/errors';

/**
 * Errors of the proxy API. Each carries `apiMessage`, the exact text Toxiproxy puts in
 * `{"error": ..., "status": ...}` (clients match on it), while `message` and `hint` say
 * where it happened and how to fix it.
 */
export interface ProxyApiFacing {
  readonly apiMessage: string;
}

/** 404: a proxy or toxic that does not exist. */
export class ProxyNotFoundError extends NotFoundError implements ProxyApiFacing {
  constructor(
    readonly apiMessage: string,
    detail: string,
    hint: string,
  ) {
    super(`${apiMessage}: ${detail}`, { hint });
  }
}

/** 409: a proxy or toxic with that name already exists, or a listen address is taken. */
export class ProxyConflictError extends ConflictError implements ProxyApiFacing {
  constructor(
    readonly apiMessage: string,
    detail: string,
    hint: string,
  ) {
    super(`${apiMessage}: ${detail}`, { hint });
  }
}

/** 400: a body, field or attribute that is not valid. */
export class ProxyRequestError extends UsageError implements ProxyApiFacing {
  constructor(
    readonly apiMessage: string,
    hint: string,
    options: { cause?: unknown } = {},
  ) {
    super(apiMessage, { hint, ...options });
  }
}

export function badBody(detail: string, hint = 'fix the field named in the message and send the request again'): ProxyRequestError {
  return new ProxyRequestError(`bad request body: ${detail}`, hint);
}

export function proxyNotFound(name: string, known: readonly string[]): ProxyNotFoundError {
  return new ProxyNotFoundError(
    'proxy not found',
    `no proxy named "${name}"`,
    known.length ? `existing proxies: ${known.join(', ')}; or create it with POST /proxies` : 'no proxies exist yet; create one with POST /proxies',
  );
}

export function toxicNotFound(proxy: string, name: string, known: readonly string[]): ProxyNotFoundError {
  return new ProxyNotFoundError(
    'toxic not found',
    `no toxic named "${name}" on proxy "${proxy}"`,
    known.length ? `toxics on "${proxy}": ${known.join(', ')}` : `proxy "${proxy}" has no toxics`,
  );
}
