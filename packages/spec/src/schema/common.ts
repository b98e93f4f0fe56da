import { DurationString, RateString, SizeString } from '@faultline/core';
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** Lowercase DNS-label style: what Kubernetes, Docker and Toxiproxy all accept in names. */
export const KEBAB_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Names that only appear in reports (probes, guards, targets). */
export const LOOSE_NAME = '^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$';
/**
 * Fault names end up in artefact names `faultline-<runId>-<fault>` (24 characters of prefix), which
 * must fit Kubernetes' 63-character label values.
 */
export const MAX_FAULT_NAME = 39;

/** Durations in files are strings with a unit. */
export const DURATION_PATTERN = DurationString().pattern as string;
const SIZE_PATTERN = SizeString().pattern as string;
const RATE_PATTERN = RateString().pattern as string;

/** Error messages for the unit formats, used whatever schema (ours or a provider's) carries them. */
export const FORMAT_HINTS: ReadonlyMap<string, string> = new Map([
  [DURATION_PATTERN, 'is not a duration; use a number with a unit: 250ms, 30s, 2m, 1h'],
  [SIZE_PATTERN, 'is not a size; use a number with a unit: 512B, 64KB, 1MiB'],
  [RATE_PATTERN, 'is not a rate; use a size per second: 100KB/s, 1MiB/s'],
]);

export function Duration(description: string): TSchema {
  return Type.String({ pattern: DURATION_PATTERN, description: `${description} A duration with a unit: 250ms, 30s, 2m, 1h.` });
}

/** A string enum that Ajv reports as one `enum` error (with the allowed values), not a union. */
export function StringEnum<T extends string>(values: readonly T[], options: { description: string }): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], description: options.description });
}

/** A map with open keys whose names follow `keyPattern`. */
export function NamedMap(value: TSchema, options: { keyPattern: string; keyDescription: string; description: string; minProperties?: number }): TSchema {
  return Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    propertyNames: { type: 'string', pattern: options.keyPattern, description: options.keyDescription },
    additionalProperties: value,
    description: options.description,
    ...(options.minProperties !== undefined ? { minProperties: options.minProperties } : {}),
  });
}

/** Kubernetes-style label keys: optional DNS prefix, then a name. */
export const LABEL_KEY = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';

export const Labels = NamedMap(Type.String({ maxLength: 63, description: 'Label value (at most 63 characters).' }), {
  keyPattern: LABEL_KEY,
  keyDescription: 'a label key such as team or faultline.dev/owner',
  description: 'Free-form labels, copied to runs and reports (e.g. team: payments).',
});
