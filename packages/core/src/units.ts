import { Type, type TString } from '@sinclair/typebox';

const DURATION_RE = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)$/;
const DURATION_FACTORS: Record<string, number> = { us: 0.001, 'µs': 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** JSON-Schema for a duration string in experiment files: `250ms`, `30s`, `2m`, `1h`, `500us`. */
export function DurationString(description?: string): TString {
  return Type.String({ pattern: DURATION_RE.source, description: description ?? 'Duration such as 250ms, 30s, 2m, 1h' });
}

/** Parses `250ms`/`30s`/`2m`/`1h`/`500us` to milliseconds. Throws RangeError with what was found. */
export function parseDuration(text: string): number {
  const m = DURATION_RE.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a duration; use a number with a unit: 250ms, 30s, 2m, 1h`);
  return Number(m[1]) * (DURATION_FACTORS[m[2] as string] as number);
}

/** Formats milliseconds for people: 850ms, 12.5s, 2m 05s, 1h 02m. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs === 0) return '0ms';
  if (abs < 1) return `${sign}${abs.toFixed(2)}ms`;
  if (abs < 1000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 2 : 1)}s`;
  const totalS = Math.round(abs / 1000);
  if (abs < 3_600_000) return `${sign}${Math.floor(totalS / 60)}m ${String(totalS % 60).padStart(2, '0')}s`;
  const totalM = Math.floor(totalS / 60);
  return `${sign}${Math.floor(totalM / 60)}h ${String(totalM % 60).padStart(2, '0')}m`;
}

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)$/;
const SIZE_FACTORS: Record<string, number> = { B: 1, KB: 1000, KiB: 1024, MB: 1e6, MiB: 1024 ** 2, GB: 1e9, GiB: 1024 ** 3 };

/** JSON-Schema for a size string: `64KB`, `1MiB`, `512B`. */
export function SizeString(description?: string): TString {
  return Type.String({ pattern: SIZE_RE.source, description: description ?? 'Size such as 512B, 64KB, 1MiB' });
}

/** Parses `64KB`/`1MiB`/`512B` to bytes. */
export function parseSize(text: string): number {
  const m = SIZE_RE.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a size; use a number with a unit: 512B, 64KB, 1MiB`);
  return Math.round(Number(m[1]) * (SIZE_FACTORS[m[2] as string] as number));
}

const RATE_RE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)\/s$/;

/** JSON-Schema for a rate string: `100KB/s`, `1MiB/s`. */
export function RateString(description?: string): TString {
  return Type.String({ pattern: RATE_RE.source, description: description ?? 'Rate such as 100KB/s or 1MiB/s' });
}

/** Parses `100KB/s` to bytes per second. */
export function parseRate(text: string): number {
  const m = RATE_RE.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a rate; use a size per second: 100KB/s, 1MiB/s`);
  return Math.round(Number(m[1]) * (SIZE_FACTORS[m[2] as string] as number));
}
