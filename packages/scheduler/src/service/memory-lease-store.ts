import type { Lease, LeaseStore } from '@faultline/core';
import { systemClock, type Clock } from './clock.js';

/**
 * LeaseStore in memory, for tests and single-process use. Same contract as the database ones:
 * acquiring a free or expired lease gives a new, strictly larger fencing token; the holder renewing
 * keeps its token.
 */
export function createMemoryLeaseStore(options: { clock?: Clock } = {}): LeaseStore & { peek(name: string): Lease | undefined } {
  const clock = options.clock ?? systemClock;
  const leases = new Map<string, { holder: string; token: number; expiresAt: number }>();
  const tokens = new Map<string, number>();
  const snapshot = (name: string, l: { holder: string; token: number; expiresAt: number }): Lease => ({
    name, holder: l.holder, fencingToken: l.token, expiresAt: new Date(l.expiresAt),
  });
  return {
    async tryAcquire(name, holder, ttlMs) {
      const now = clock.now().getTime();
      const cur = leases.get(name);
      if (cur && cur.expiresAt > now && cur.holder !== holder) return undefined;
      if (cur && cur.expiresAt > now && cur.holder === holder) {
        cur.expiresAt = now + ttlMs;
        return snapshot(name, cur);
      }
      const token = (tokens.get(name) ?? 0) + 1;
      tokens.set(name, token);
      const next = { holder, token, expiresAt: now + ttlMs };
      leases.set(name, next);
      return snapshot(name, next);
    },
    async release(name, holder) {
      const cur = leases.get(name);
      if (cur && cur.holder === holder) leases.delete(name);
    },
    async isCurrent(name, token) {
      const cur = leases.get(name);
      return cur !== undefined && cur.token === token && cur.expiresAt > clock.now().getTime();
    },
    peek(name) {
      const cur = leases.get(name);
      return cur ? snapshot(name, cur) : undefined;
    },
  };
}
