/** How the storefront treats its inventory dependency. */
export interface StorefrontPolicy {
  /** Per-attempt timeout of the call to inventory. */
  readonly upstreamTimeoutMs: number;
  /** Extra attempts after a failed or timed-out call. */
  readonly retries: number;
  /** First retry waits between half and all of this (jittered). */
  readonly retryBackoffMs: number;
  /** Answer from the last good copy (marked stale) when inventory fails. */
  readonly cacheFallback: boolean;
  /** The storefront's own budget per request; past it the answer is 504. */
  readonly deadlineMs: number;
}

/**
 * fragile: trusts inventory. A 2 s client timeout inside a 1 s request budget means any backend
 * latency beyond ~1 s surfaces as 504s at the front, and inventory errors as 502s.
 * resilient: 250 ms timeout, one jittered retry, then a cached copy marked `stale: true`; a slow or
 * failing inventory costs freshness, not availability (as long as the item was seen before).
 */
export const storefrontVariants = {
  fragile: { upstreamTimeoutMs: 2_000, retries: 0, retryBackoffMs: 0, cacheFallback: false, deadlineMs: 1_000 },
  resilient: { upstreamTimeoutMs: 250, retries: 1, retryBackoffMs: 100, cacheFallback: true, deadlineMs: 1_000 },
} as const satisfies Record<string, StorefrontPolicy>;

export type StorefrontVariant = keyof typeof storefrontVariants;
