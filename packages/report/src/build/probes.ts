import { describeExpectation, type GuardSpec, type JournalEvent, type ProbeResult } from '@faultline/core';
import type { GuardReport, ProbeObservation, SteadyStateResult } from '../report-schema.js';
import { defined, msBetween } from './time.js';

type ProbeEvent = Extract<JournalEvent, { type: 'probe' }>;
type BreachEvent = Extract<JournalEvent, { type: 'guard-breach' }>;

/** A probe result as a report observation (drops nothing a reader needs, adds the journal time). */
export function observation(at: string, r: ProbeResult, consecutiveFailures?: number): ProbeObservation {
  return defined({
    at, ok: r.ok, observed: r.observed, expected: r.expected, reason: r.reason, durationMs: Math.max(0, r.durationMs),
    latencyMs: r.latencyMs, status: r.status, error: r.error ? { ...r.error } : undefined, consecutiveFailures,
  });
}

export function steadyStateResult(e: ProbeEvent): SteadyStateResult {
  return { probe: e.result.probe, kind: e.result.kind, ...observation(e.at, e.result) };
}

/**
 * Guards in the order the experiment declares them (guards only seen in the journal follow), each with
 * every observation and, when it tripped, the breach with its time-to-detect.
 */
export class GuardLedger {
  private readonly guards = new Map<string, GuardReport>();

  constructor(specs: readonly GuardSpec[]) {
    for (const g of specs) {
      this.guards.set(g.name, {
        name: g.name, kind: g.kind, expected: describeExpectation(g.expect), expectation: structuredClone(g.expect) as NonNullable<GuardReport['expectation']>,
        everyMs: g.everyMs, breachAfter: g.breachAfter, passed: 0, failed: 0, observations: [],
      });
    }
  }

  observe(e: ProbeEvent): void {
    const g = this.guard(e.result.probe, e.result.kind, e.result.expected);
    if (e.breachAfter !== undefined && g.breachAfter === undefined) g.breachAfter = e.breachAfter;
    g.observations.push(observation(e.at, e.result, e.consecutiveFailures));
    if (e.result.ok) g.passed += 1;
    else g.failed += 1;
  }

  breach(e: BreachEvent): void {
    const g = this.guard(e.guard, e.result.kind, e.result.expected);
    if (g.breach) return; // the first breach is the one that aborted the run
    // The streak that led here: walk back over the failing observations that precede the breach.
    let firstFailureAt: string | undefined;
    for (let i = g.observations.length - 1; i >= 0; i--) {
      const o = g.observations[i] as ProbeObservation;
      if (o.ok) break;
      firstFailureAt = o.at;
    }
    firstFailureAt ??= e.at;
    g.breach = {
      at: e.at, consecutiveFailures: Math.max(1, e.consecutiveFailures), observed: e.result.observed,
      expected: e.result.expected, reason: e.result.reason, firstFailureAt, timeToDetectMs: msBetween(firstFailureAt, e.at),
    };
  }

  list(): GuardReport[] {
    return [...this.guards.values()];
  }

  private guard(name: string, kind: string, expected: string): GuardReport {
    let g = this.guards.get(name);
    if (!g) {
      g = { name, kind, expected, passed: 0, failed: 0, observations: [] };
      this.guards.set(name, g);
    }
    return g;
  }
}
