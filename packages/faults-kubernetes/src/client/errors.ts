import { ProviderError } from '@faultline/core';

/** What a request was doing, for error messages and RBAC hints. */
export interface RequestInfo {
  readonly verb: 'get' | 'list' | 'create' | 'patch' | 'delete';
  /** '' for the core group. */
  readonly group: '' | 'apps' | 'networking.k8s.io';
  /** Plural resource name: 'pods', 'deployments'. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** Describes a request for people: `patch configmaps shop/flags`. */
export function describeRequest(info: RequestInfo): string {
  const res = info.group ? `${info.resource}.${info.group}` : info.resource;
  const where = info.name ? `${info.namespace ? info.namespace + '/' : ''}${info.name}` : info.namespace ? `in namespace ${info.namespace}` : 'at cluster scope';
  return `${info.verb} ${res} ${where}`;
}

/**
 * A Kubernetes API request failed with an HTTP status. `status` and `reason` come from the API's Status body,
 * so callers can treat NotFound as "already gone" and Conflict as "re-read and try again".
 */
export class KubeRequestError extends ProviderError {
  readonly status: number;
  readonly reason: string;
  readonly request: RequestInfo;
  constructor(opts: { message: string; status: number; reason: string; request: RequestInfo; retryable: boolean; hint?: string; cause?: unknown }) {
    super(opts.message, { retryable: opts.retryable, cause: opts.cause, ...(opts.hint ? { hint: opts.hint } : {}) });
    this.status = opts.status;
    this.reason = opts.reason;
    this.request = opts.request;
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeRequestError && err.status === 404;
export const isConflict = (err: unknown): boolean => err instanceof KubeRequestError && err.status === 409 && err.reason !== 'AlreadyExists';
export const isAlreadyExists = (err: unknown): boolean => err instanceof KubeRequestError && err.status === 409 && err.reason === 'AlreadyExists';
