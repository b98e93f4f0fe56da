/**
 * Whether an injected fault did what was asked, measured from where the target sees the network
 * (FaultProvider.verify). `ineffective` means far below the ask (less than half): the experiment then
 * tested nothing, and the verdict says so. `unverified`: nothing to measure against (no named
 * destination) or the measurement itself was impossible; `detail` says which.
 */
export interface FaultEffect {
  readonly status: 'effective' | 'ineffective' | 'unverified';
  /** What was measured: round-trip time, loss ratio, reachability, throughput. */
  readonly metric?: 'rtt-ms' | 'loss-ratio' | 'reachable-ratio' | 'bytes-per-sec';
  /** The ask in the metric's unit (latency in ms, loss 0..1, 0 = unreachable). */
  readonly asked?: number;
  readonly measured?: number;
  /** Where it was measured against, e.g. `172.18.0.5:80`. */
  readonly destination?: string;
  /** How many probes the measurement used. */
  readonly samples?: number;
  /** One line for reports: `ineffective: asked 50 ms, measured 0.4 ms to 172.18.0.5:80 (p50 of 20)`. */
  readonly detail: string;
}

/** Below this share of the ask a fault counts as ineffective. */
export const INEFFECTIVE_BELOW = 0.5;

/** Ineffective when `measured` is below half of `asked` (both as "more is stronger"). */
export function judgeEffect(asked: number, measured: number): 'effective' | 'ineffective' {
  return measured < asked * INEFFECTIVE_BELOW ? 'ineffective' : 'effective';
}

/** `unverified` with a reason, for providers that cannot measure (or failed to). */
export function unverifiedEffect(reason: string): FaultEffect {
  return { status: 'unverified', detail: `unverified: ${reason}` };
}
