/**
 * A named lease with fencing tokens (leader election for schedulers across replicas).
 * Implementations must make acquire/renew atomic in the database.
 */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  /** Strictly increases every time the lease changes hands; stored with every run the holder starts. */
  readonly fencingToken: number;
  readonly expiresAt: Date;
}

export interface LeaseStore {
  /** Takes the lease if it is free or expired (new token), or renews it if `holder` holds it (same token). */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Gives it up if `holder` holds it; no-op otherwise. */
  release(name: string, holder: string): Promise<void>;
  /** True when `token` is still the current token of a lease that has not expired. */
  isCurrent(name: string, token: number): Promise<boolean>;
}
