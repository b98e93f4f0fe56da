import { badBody } from '../errors.js';

/** The largest value any integer attribute accepts (about 24 days in ms), so timers never overflow. */
export const MAX_ATTRIBUTE = 2_147_483_647;

/** A raw attribute object from a request, after the body was checked to be an object. */
export type RawAttributes = Readonly<Record<string, unknown>>;

/** Reads an integer attribute; absent means `base` (the current value on update, the default on create). */
export function intAttribute(
  raw: RawAttributes,
  key: string,
  base: number,
  opts: { min?: number; max?: number; unit: string },
): number {
  const value = raw[key];
  if (value === undefined) return base;
  const min = opts.min ?? 0;
  const max = opts.max ?? MAX_ATTRIBUTE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badBody(
      `attributes.${key} must be an integer from ${min} to ${max} (${opts.unit}), got ${describe(value)}`,
      `send e.g. {"attributes": {"${key}": ${Math.max(min, Math.min(max, 100))}}}`,
    );
  }
  return value;
}

/** Reads a number attribute in [min, max] (max exclusive when `maxExclusive`). */
export function numberAttribute(
  raw: RawAttributes,
  key: string,
  base: number,
  opts: { min: number; max: number; maxExclusive?: boolean; unit: string },
): number {
  const value = raw[key];
  if (value === undefined) return base;
  const tooBig = typeof value === 'number' && (opts.maxExclusive ? value >= opts.max : value > opts.max);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < opts.min || tooBig) {
    const range = `${opts.min} to ${opts.max}${opts.maxExclusive ? ' (exclusive)' : ''}`;
    throw badBody(`attributes.${key} must be a number from ${range} (${opts.unit}), got ${describe(value)}`);
  }
  return value;
}

/** Reads a string attribute limited to `allowed` values. */
export function enumAttribute<T extends string>(raw: RawAttributes, key: string, base: T, allowed: readonly T[]): T {
  const value = raw[key];
  if (value === undefined) return base;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badBody(`attributes.${key} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** Reads a host name attribute (DNS name or IP literal). */
export function hostnameAttribute(raw: RawAttributes, key: string, base: string): string {
  const value = raw[key];
  if (value === undefined) return base;
  if (typeof value !== 'string' || !/^[A-Za-z0-9.*:-]{1,253}$/.test(value)) {
    throw badBody(`attributes.${key} must be a host name such as "localhost", got ${describe(value)}`);
  }
  return value;
}

export function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
