/** Short human durations: 850ms, 12.3s, 4m 05s, 2h 10m. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function ago(ms: number): string {
  return ms < 1500 ? 'just now' : `${duration(ms)} ago`;
}

/** ISO time as `2026-12-02 13:37:19Z`: UTC, so screenshots and colleagues in other zones agree. */
export function when(iso: string | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function between(from: string | undefined, to: string | undefined, nowMs: number): number | undefined {
  if (!from) return undefined;
  const a = Date.parse(from);
  const b = to ? Date.parse(to) : nowMs;
  return Number.isFinite(a) && Number.isFinite(b) ? Math.max(0, b - a) : undefined;
}

export const activeStates = ['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'revert-pending', 'checking-after'] as const;
export const finishedStates = ['completed', 'deviated', 'aborted', 'failed'] as const;

/** Class for a state badge: tone, not only colour (the text says the state too). */
export function stateTone(state: string): string {
  if (state === 'completed') return 'ok';
  if (state === 'deviated' || state === 'revert-pending') return 'warn';
  if (state === 'aborted' || state === 'failed') return 'bad';
  return 'live';
}
