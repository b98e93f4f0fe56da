import { SpecInvalidError } from '@faultline/core';
import { parseDocuments } from '@faultline/spec';
import { FakeBackend, fakeRegistry, scriptedProbe } from '@faultline/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fullGameDay } from '../test/examples.js';
import { parseGameDay } from './parse-gameday.js';

const registry = fakeRegistry(new FakeBackend(), [scriptedProbe('ok', () => ({ value: 'ok' }))]);
const SEED = 1818;

/** Every input gives a GameDay, or a SpecInvalidError whose issues are located in the file. */
function parsesOrExplains(text: string): void {
  try {
    const day = parseGameDay(text, { file: 'fuzz.yaml', registry });
    expect(day.kind).toBe('GameDay');
    expect(day.spec.steps.length).toBeGreaterThan(0);
    for (const s of day.spec.steps) {
      if (s.kind === 'wait') expect(s.durationMs).toBeGreaterThan(0);
      if (s.kind === 'gate') expect(s.timeoutMs).toBeGreaterThan(0);
    }
  } catch (err) {
    if (!(err instanceof SpecInvalidError)) throw err;
    expect(err.issues.length).toBeGreaterThan(0);
    const lines = text.split('\n').length;
    for (const issue of err.issues) {
      expect(issue.message.length).toBeGreaterThan(0);
      expect(issue.file).toBe('fuzz.yaml');
      if (issue.line !== undefined) expect(issue.line).toBeGreaterThanOrEqual(1);
      if (issue.line !== undefined) expect(issue.line).toBeLessThanOrEqual(lines + 1);
    }
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const base = parseDocuments(fullGameDay)[0]?.value as Json;

function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}
const allPaths = paths(base).filter((p) => p.length > 0);

function mutate(doc: Json, path: Array<string | number>, m: { kind: 'delete' } | { kind: 'replace'; with: Json } | { kind: 'rename'; to: string }): Json {
  const copy = structuredClone(doc) as any;
  let parent = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg];
  const last = path[path.length - 1] as string | number;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (m.kind === 'rename') {
    if (!Array.isArray(parent)) {
      parent[m.to] = parent[last];
      delete parent[last];
    }
  } else parent[last] = m.with;
  return copy as Json;
}

const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('0s', '5m', '-1s', 'go', 'no-go', 'aborted', '${X}', '999999h'));
const value: fc.Arbitrary<Json> = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 3 }));
const mutation = fc.oneof(
  fc.constant({ kind: 'delete' as const }),
  fc.record({ kind: fc.constant('replace' as const), with: value }),
  fc.record({ kind: fc.constant('rename' as const), to: fc.constantFrom('wiat', 'gate', 'experiment', 'title', 'inline', 'file', 'x') }),
);

describe('parseGameDay under fuzzing', () => {
  it('structured mutations of a valid day parse or explain themselves', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...allPaths), mutation), { minLength: 1, maxLength: 3 }), (muts) => {
        let doc = base;
        for (const [p, m] of muts) {
          try {
            doc = mutate(doc, p, m);
          } catch {
            // the path vanished with an earlier mutation
          }
        }
        parsesOrExplains(stringify(doc));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('arbitrary text edits parse or explain themselves', () => {
    fc.assert(
      fc.property(fc.nat(fullGameDay.length), fc.nat(20), fc.string({ maxLength: 8 }), (at, cut, insert) => {
        parsesOrExplains(fullGameDay.slice(0, at) + insert + fullGameDay.slice(at + cut));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
