import { formatDuration, type Json, type ProbeResult } from '@faultline/core';

export function shortValue(v: Json, max = 40): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(3);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

export function probeLine(r: ProbeResult): string {
  if (r.error) return `could not evaluate: ${r.error.message}`;
  const parts: string[] = [];
  if (r.status !== undefined) parts.push(String(r.status));
  if (r.observed !== null && !(r.status !== undefined && typeof r.observed === 'string')) parts.push(shortValue(r.observed));
  if (r.latencyMs !== undefined) parts.push(`in ${formatDuration(r.latencyMs)}`);
  return `${parts.join(' ') || shortValue(r.observed)}${r.ok ? '' : ` — ${r.reason}`}`;
}

const BARS = '▁▂▃▄▅▆▇█';
/** A sparkline of the last values; non-numeric results show as ✓/✗. */
export function sparkline(results: readonly ProbeResult[], width = 16): string {
  const last = results.slice(-width);
  const nums = last.map((r) => (typeof r.observed === 'number' ? r.observed : r.latencyMs));
  if (nums.every((n) => typeof n === 'number')) {
    const min = Math.min(...(nums as number[]));
    const max = Math.max(...(nums as number[]));
    return (nums as number[]).map((n) => BARS[max === min ? 3 : Math.round(((n - min) / (max - min)) * 7)]).join('');
  }
  return last.map((r) => (r.ok ? '✓' : '✗')).join('');
}
