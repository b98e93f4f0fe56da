/**
 * Retries `fn` while `shouldRetry(err)` holds, up to `attempts` tries. For optimistic writes that lose a
 * race on a UNIQUE key (the loser recomputes and tries again); not for network retries.
 */
export async function retryOn<T>(shouldRetry: (err: unknown) => boolean, attempts: number, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !shouldRetry(err)) throw err;
    }
  }
}
