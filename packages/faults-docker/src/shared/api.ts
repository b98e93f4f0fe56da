import Dockerode from 'dockerode';
import { FaultlineError, ProviderError, withTimeout, type CallContext } from '@faultline/core';
import { resolveEndpoint } from './endpoint.js';

/** The Docker engine answered with this HTTP status (404 no such container, 409 conflict, ...). */
export function dockerStatus(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's status, looking through our ProviderError wrapper. */
export function engineStatus(err: unknown): number | undefined {
  return dockerStatus(err) ?? (err instanceof ProviderError ? dockerStatus(err.cause) : undefined);
}

export function isNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}

/** Runs `fn`; an engine answer with one of `statuses` (e.g. 404 gone, 409 already in that state) counts as done. */
export async function tolerating(statuses: readonly number[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const s = engineStatus(err);
    if (s === undefined || !statuses.includes(s)) throw err;
  }
}

function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return err instanceof Error ? err.message : String(err);
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * One Docker engine plus the rules every call follows: a timeout (the smaller of the plugin's and the
 * caller's), the caller's abort signal, and engine errors wrapped in ProviderError naming what failed where.
 */
export class DockerApi {
  readonly docker: Dockerode;
  readonly endpoint: string;
  constructor(opts: { docker?: Dockerode.DockerOptions | undefined; timeoutMs: number; env?: NodeJS.ProcessEnv }) {
    const ep = resolveEndpoint(opts.docker, opts.env);
    this.docker = new Dockerode(ep.options);
    this.endpoint = ep.description;
    this.timeoutMs = opts.timeoutMs;
  }
  readonly timeoutMs: number;

  /**
   * Runs one engine call. `fn` gets an AbortSignal to pass to dockerode (`abortSignal`).
   * Throws the caller's abort reason if already aborted, TimeoutError when the call overruns, and
   * ProviderError (retryable for connection problems and 5xx) for engine failures; the engine's own
   * error stays reachable as `cause` (use isNotFound()).
   */
  async call<T>(
    what: string,
    ctx: Pick<CallContext, 'signal' | 'timeoutMs'>,
    fn: (signal: AbortSignal) => Promise<T>,
    opts: { extraMs?: number } = {},
  ): Promise<T> {
    ctx.signal.throwIfAborted();
    // extraMs: calls the engine itself lets run long (stop waits the grace period before it answers).
    const timeoutMs = Math.max(1, Math.min(this.timeoutMs, ctx.timeoutMs)) + (opts.extraMs ?? 0);
    try {
      return await withTimeout(`docker ${what} on ${this.endpoint}`, timeoutMs, fn, ctx.signal);
    } catch (err) {
      if (err instanceof FaultlineError || ctx.signal.aborted) throw err;
      const status = dockerStatus(err);
      const code = (err as { code?: unknown } | null)?.code;
      const unreachable = typeof code === 'string' && TRANSIENT_CODES.has(code);
      const hint = unreachable
        ? 'is the Docker engine running? Start one with `bash scripts/docker-env.sh start`, or set DOCKER_HOST'
        : status === 404
          ? 'the object is gone; re-run `faultline plan` to resolve targets again'
          : undefined;
      throw new ProviderError(`docker ${what} on ${this.endpoint} failed: ${engineMessage(err)}`, {
        cause: err,
        retryable: unreachable || status === undefined || status >= 500,
        ...(hint ? { hint } : {}),
      });
    }
  }
}
