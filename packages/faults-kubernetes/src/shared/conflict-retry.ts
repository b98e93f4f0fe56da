import { ProviderError, type CallContext } from '@faultline/core';
import { isConflict } from '../client/errors.js';

/**
 * Optimistic concurrency: `attempt` reads the object, decides and writes with the resourceVersion it read.
 * On 409 Conflict someone else wrote in between, so it runs again on fresh data, up to `maxAttempts` times.
 */
export async function retryOnConflict<T>(what: string, ctx: CallContext, attempt: () => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (i >= maxAttempts) {
        throw new ProviderError(`${what}: the object kept changing under us (${maxAttempts} conflicting writes in a row)`, {
          cause: err, retryable: true, hint: 'another controller is rewriting this object continuously; pause it or pick another target',
        });
      }
      ctx.log.debug({ attempt: i }, `${what}: conflict, re-reading`);
    }
  }
}
