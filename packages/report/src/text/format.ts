import { formatDuration, type Json } from '@faultline/core';
import { msBetween } from '../build/time.js';

/** A JSON value for one line of text: strings unquoted when short, everything shortened to `max` chars. */
export function formatValue(v: Json | undefined, max = 120): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** `T+33.49s`: an offset from the run start, the way a facilitator reads a timeline. */
export function offset(startedAt: string, at: string): string {
  return `T+${formatDuration(msBetween(startedAt, at))}`;
}

/** `2026-03-14 09:30:33 UTC` */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration or an explicit "n/a" with the reason it does not apply. */
export function formatMs(ms: number | undefined, missing = 'n/a'): string {
  return ms === undefined ? missing : formatDuration(ms);
}
