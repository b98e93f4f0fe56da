import { formatDuration, parseDuration } from '@faultline/core';
import { DURATION_PATTERN } from '../schema/common.js';

/** Node.js timers overflow (and fire at once) beyond 2^31-1 ms; no duration in a file may exceed it. */
export const MAX_DURATION_MS = 2_147_483_647;

const DURATION_RE = new RegExp(DURATION_PATTERN);

/** Milliseconds for a duration string, or undefined when it is not one (the schema reports that). */
export function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !DURATION_RE.test(value)) return undefined;
  const ms = parseDuration(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Why a duration is out of range, or undefined when it is fine. */
export function durationProblem(ms: number, rule: 'positive' | 'non-negative'): string | undefined {
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) return `is too long; durations are limited to ${formatDuration(MAX_DURATION_MS)} (the longest timer Node.js supports)`;
  if (rule === 'positive' && ms <= 0) return 'must be longer than 0; use e.g. 1s';
  return undefined;
}
