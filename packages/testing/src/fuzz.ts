import { randomInt } from 'node:crypto';
import fc from 'fast-check';

/** The seed CI uses when FAULTLINE_FUZZ_SEED is unset: every run checks the same cases. */
export const DEFAULT_FUZZ_SEED = 1_302_013;

/** Keys named like Object.prototype members: every fuzz dictionary of object keys includes them. */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

/**
 * The fast-check seed from FAULTLINE_FUZZ_SEED: unset = DEFAULT_FUZZ_SEED, an integer = that seed,
 * `random` = a fresh one (printed on failure like any other).
 */
export function fuzzSeed(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env['FAULTLINE_FUZZ_SEED']?.trim();
  if (raw === undefined || raw === '') return DEFAULT_FUZZ_SEED;
  if (raw === 'random') return randomInt(-(2 ** 31), 2 ** 31 - 1);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Math.abs(Number(raw)) > 2 ** 31) {
    throw new Error(`FAULTLINE_FUZZ_SEED=${raw} is neither an integer (a 32-bit fast-check seed) nor "random"; unset it to use the fixed CI seed ${DEFAULT_FUZZ_SEED}`);
  }
  return Number(raw);
}

/** How to replay a failed property: with the seed for a whole file, or pinned in the fc.assert call. */
export function reproduceHint(details: { seed: number; counterexamplePath: string | null }, where = 'npx vitest run <this test file>'): string {
  const pinned = `{ seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath ?? '')}, endOnFailure: true }`;
  return [
    `Reproduce: FAULTLINE_FUZZ_SEED=${details.seed} ${where}`,
    `Regression case: pass ${pinned} as this fc.assert's parameters (or copy the counterexample into a plain test).`,
  ].join('\n');
}

/** A fast-check reporter that throws the usual report plus the reproduce hint, keeping the original error as cause. */
export function reportWithReproduceHint(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  throw new Error(`${fc.defaultReportMessage(details)}\n\n${reproduceHint(details)}`, { cause: details.errorInstance });
}

/**
 * Makes every fc.assert/fc.check in this process deterministic: one global seed (see fuzzSeed) and
 * a failure report that says how to reproduce it. Called from the repo's vitest setup file.
 */
export function configureFuzz(env: Readonly<Record<string, string | undefined>> = process.env): { seed: number } {
  const seed = fuzzSeed(env);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed, reporter: reportWithReproduceHint });
  return { seed };
}
