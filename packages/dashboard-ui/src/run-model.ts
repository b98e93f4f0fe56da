import type { Expectation, JournalEvent, Json, RunPlan, RunState } from '@faultline/core';

/**
 * The live run page's model, folded from journal events one at a time (the SSE stream replays the
 * journal from the start, then follows it). Pure: no DOM, no clock; times are epoch ms from event `at`.
 */
export interface GuardSeries {
  readonly name: string;
  readonly everyMs: number;
  readonly breachAfter: number;
  readonly expected: string;
  /** What the y axis shows, from the guard's expectation: its value (below/above/between), its latency, or pass/fail. */
  readonly unit: 'value' | 'latency-ms' | 'pass-fail';
  readonly thresholds: Array<{ value: number; label: string }>;
  /** Parallel arrays, uPlot's data layout: seconds since the run's first event, value (null: could not evaluate), ok. */
  readonly t: number[];
  readonly y: Array<number | null>;
  readonly ok: boolean[];
  /** Seconds since the run's first event. */
  readonly breaches: number[];
  lastReason: string;
  lastOk: boolean;
}

export interface FaultTargetState {
  readonly fault: string;
  readonly faultType: string;
  readonly targetId: string;
  readonly targetName: string;
  phase: 'injecting' | 'injected' | 'inject-failed' | 'reverting' | 'reverted' | 'revert-failed';
  injectedAt?: number;
  revertedAt?: number;
  attempts: number;
  lastError?: string;
}

export interface PhaseSpan {
  readonly state: RunState;
  readonly from: number;
  to?: number;
}

export interface RunModel {
  experiment?: string;
  source?: string;
  dryRun: boolean;
  state: RunState;
  firstAt?: number;
  lastAt?: number;
  lastSeq: number;
  phases: PhaseSpan[];
  plan?: RunPlan;
  faults: Map<string, FaultTargetState>;
  guards: Map<string, GuardSeries>;
  /** Spans during which some fault was (possibly) active, in epoch ms; `to` undefined = still open. */
  windows: Array<{ from: number; to?: number }>;
  abort?: { source: string; reason: string; at: number };
  verdict?: { outcome: string; reason: string; at: number };
  notes: Array<{ at: number; message: string }>;
  /** Longest quiet period the run may legitimately have in its current state (see heartbeatAllowanceMs). */
  settleMs: number;
  maxProbeTimeoutMs: number;
  /** Longest wait between revert attempts (revert-pending runs retry at this pace). */
  maxRevertBackoffMs: number;
}

/** Guard points kept per series: a 4 Hz guard keeps the last ~40 minutes. */
export const MAX_POINTS = 10_000;

export function emptyRunModel(): RunModel {
  return { dryRun: false, state: 'pending', lastSeq: 0, phases: [], faults: new Map(), guards: new Map(), windows: [], notes: [], settleMs: 0, maxProbeTimeoutMs: 0, maxRevertBackoffMs: 0 };
}

export function numeric(v: Json | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function thresholdsOf(e: Expectation, unit: GuardSeries['unit']): Array<{ value: number; label: string }> {
  if (unit === 'latency-ms') return e.latencyBelowMs !== undefined ? [{ value: e.latencyBelowMs, label: `latency below ${e.latencyBelowMs}ms` }] : [];
  const out: Array<{ value: number; label: string }> = [];
  if (e.below !== undefined) out.push({ value: e.below, label: `below ${e.below}` });
  if (e.above !== undefined) out.push({ value: e.above, label: `above ${e.above}` });
  if (e.between) out.push({ value: e.between[0], label: `min ${e.between[0]}` }, { value: e.between[1], label: `max ${e.between[1]}` });
  return out;
}

const activePhases = new Set<FaultTargetState['phase']>(['injecting', 'injected', 'reverting', 'revert-failed', 'inject-failed']);

function anyActive(m: RunModel): boolean {
  for (const f of m.faults.values()) if (activePhases.has(f.phase)) return true;
  return false;
}

function updateWindows(m: RunModel, at: number): void {
  const open = m.windows.at(-1);
  const active = anyActive(m);
  if (active && (!open || open.to !== undefined)) m.windows.push({ from: at });
  else if (!active && open && open.to === undefined) open.to = at;
}

/** Folds one event into the model (in place, for speed at 4 Hz × 20 guards). Events at or below lastSeq are ignored. */
export function applyEvent(m: RunModel, e: JournalEvent): void {
  if (e.seq <= m.lastSeq) return;
  m.lastSeq = e.seq;
  const at = Date.parse(e.at);
  m.firstAt ??= at;
  const firstAt = m.firstAt;
  m.lastAt = at;
  switch (e.type) {
    case 'run-created': {
      m.experiment = e.experiment.metadata.name;
      if (e.source) m.source = e.source;
      m.dryRun = e.dryRun;
      m.settleMs = e.experiment.spec.settleMs;
      m.maxRevertBackoffMs = e.experiment.spec.revert.maxBackoffMs;
      m.maxProbeTimeoutMs = Math.max(0, ...e.experiment.spec.steadyState.map((p) => p.timeoutMs), ...e.experiment.spec.guards.map((g) => g.timeoutMs));
      for (const g of e.experiment.spec.guards) {
        const unit = unitOf(g.expect);
        m.guards.set(g.name, {
          name: g.name, everyMs: g.everyMs, breachAfter: g.breachAfter, expected: describe(g.expect), unit,
          thresholds: thresholdsOf(g.expect, unit), t: [], y: [], ok: [], breaches: [], lastReason: '', lastOk: true,
        });
      }
      m.phases.push({ state: 'pending', from: at });
      break;
    }
    case 'plan':
      m.plan = e.plan;
      break;
    case 'transition': {
      m.state = e.to;
      const cur = m.phases.at(-1);
      if (cur) cur.to = at;
      m.phases.push({ state: e.to, from: at });
      break;
    }
    case 'probe': {
      if (e.phase !== 'guard') break;
      const g = m.guards.get(e.result.probe);
      if (!g) break;
      // A probe that could not evaluate has no value: null (a gap, marked as a failure on the chart).
      const y = e.result.error ? undefined
        : g.unit === 'latency-ms' ? e.result.latencyMs
          : g.unit === 'pass-fail' ? (e.result.ok ? 1 : 0)
            : numeric(e.result.observed);
      g.t.push((at - firstAt) / 1000);
      g.y.push(y ?? null);
      g.ok.push(e.result.ok);
      g.lastOk = e.result.ok;
      g.lastReason = e.result.reason;
      if (g.t.length > MAX_POINTS) {
        g.t.shift();
        g.y.shift();
        g.ok.shift();
      }
      break;
    }
    case 'guard-breach': {
      m.guards.get(e.guard)?.breaches.push((at - firstAt) / 1000);
      break;
    }
    case 'fault-injecting': {
      m.faults.set(`${e.fault}\u0000${e.target.id}`, { fault: e.fault, faultType: e.faultType, targetId: e.target.id, targetName: e.target.name, phase: 'injecting', attempts: 0 });
      updateWindows(m, at);
      break;
    }
    case 'fault-injected':
    case 'fault-inject-failed':
    case 'fault-reverting':
    case 'fault-reverted':
    case 'fault-revert-failed': {
      const f = m.faults.get(`${e.fault}\u0000${e.targetId}`);
      if (!f) break;
      if (e.type === 'fault-injected') { f.phase = 'injected'; f.injectedAt = at; }
      if (e.type === 'fault-inject-failed') { f.phase = 'inject-failed'; f.lastError = e.error.message; }
      if (e.type === 'fault-reverting') { f.phase = 'reverting'; f.attempts = e.attempt; }
      if (e.type === 'fault-reverted') { f.phase = 'reverted'; f.revertedAt = at; f.attempts = e.attempt; }
      if (e.type === 'fault-revert-failed') { f.phase = 'revert-failed'; f.attempts = e.attempt; f.lastError = e.error.message; }
      updateWindows(m, at);
      break;
    }
    case 'abort':
      m.abort = { source: e.source, reason: e.reason, at };
      break;
    case 'verdict':
      m.verdict = { outcome: e.outcome, reason: e.reason, at };
      break;
    case 'note':
      m.notes.push({ at, message: e.message });
      break;
    default:
      break;
  }
}

function unitOf(e: Expectation): GuardSeries['unit'] {
  if (e.below !== undefined || e.above !== undefined || e.between) return 'value';
  if (e.latencyBelowMs !== undefined) return 'latency-ms';
  return 'pass-fail';
}

function describe(e: Expectation): string {
  const parts: string[] = [];
  if (e.below !== undefined) parts.push(`below ${e.below}`);
  if (e.above !== undefined) parts.push(`above ${e.above}`);
  if (e.between) parts.push(`between ${e.between[0]} and ${e.between[1]}`);
  if (e.equals !== undefined) parts.push(`equals ${JSON.stringify(e.equals)}`);
  if (e.in) parts.push(`one of ${JSON.stringify(e.in)}`);
  if (e.matches !== undefined) parts.push(`matches /${e.matches}/`);
  if (e.status !== undefined) parts.push(`status ${Array.isArray(e.status) ? e.status.join('|') : String(e.status)}`);
  if (e.latencyBelowMs !== undefined) parts.push(`latency below ${e.latencyBelowMs}ms`);
  return parts.length ? parts.join(', ') : 'anything';
}

const terminal = new Set<RunState>(['completed', 'deviated', 'aborted', 'failed']);
export const isTerminalState = (s: RunState): boolean => terminal.has(s);

/**
 * How long a run in its current state may go without a journal event before the page says "lost
 * contact": three missed intervals. While holding, guards tick every `everyMs`; a hold without guards is
 * silent until its next fault starts or stops or the hold ends (from the plan), plus three intervals;
 * in other states the longest legitimate silence is a probe timeout, the settle wait or a revert backoff.
 */
export function heartbeatAllowanceMs(m: RunModel): number {
  const guardEvery = Math.min(...[...m.guards.values()].map((g) => g.everyMs), Number.POSITIVE_INFINITY);
  if (m.state === 'holding' && Number.isFinite(guardEvery)) return 3 * guardEvery;
  const interval = Math.max(5000, m.maxProbeTimeoutMs, m.state === 'checking-after' ? m.settleMs : 0, m.state === 'revert-pending' ? m.maxRevertBackoffMs : 0);
  if (m.state === 'holding') return untilNextPlannedEvent(m) + 3 * interval;
  return 3 * interval;
}

/** Milliseconds from the last event to the next moment the plan says something happens during the hold. */
function untilNextPlannedEvent(m: RunModel): number {
  const hold = m.phases.at(-1);
  if (!m.plan || !hold || m.lastAt === undefined) return 0;
  const offsets = [m.plan.durationMs, ...m.plan.faults.flatMap((f) => [f.afterMs, f.untilMs])];
  const next = Math.min(...offsets.map((o) => hold.from + o).filter((t) => t > (m.lastAt as number)), Number.POSITIVE_INFINITY);
  return Number.isFinite(next) ? next - m.lastAt : 0;
}

export type Liveness = { readonly kind: 'finished' } | { readonly kind: 'live'; readonly ageMs: number } | { readonly kind: 'lost-contact'; readonly ageMs: number };

/** "live" while events arrive within the allowance, "lost contact" after; `nowMs` is server time. */
export function liveness(m: RunModel, nowMs: number): Liveness {
  if (isTerminalState(m.state)) return { kind: 'finished' };
  const ageMs = Math.max(0, nowMs - (m.lastAt ?? nowMs));
  return ageMs > heartbeatAllowanceMs(m) ? { kind: 'lost-contact', ageMs } : { kind: 'live', ageMs };
}
