import { SpecInvalidError } from '@faultline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseDocuments } from '../source/source-document.js';
import { designExample, fullJsonExample } from '../test/examples.js';
import { fakeRegistry } from '../test/fake-registry.js';
import { parseExperiment } from './parse-experiment.js';

const registry = fakeRegistry();
// Generous: one parse takes ~10 ms; this only catches hangs and blow-ups, even on a loaded machine.
const RUN_BUDGET_MS = 5_000;

/** The property every input must satisfy: an Experiment, or a SpecInvalidError with located issues. */
function parsesOrExplains(text: string, withRegistry = true): void {
  const started = performance.now();
  try {
    const exp = parseExperiment(text, withRegistry ? { file: 'fuzz.yaml', registry } : { file: 'fuzz.yaml' });
    expect(exp.kind).toBe('Experiment');
    expect(Number.isFinite(exp.spec.durationMs)).toBe(true);
  } catch (err) {
    if (!(err instanceof SpecInvalidError)) throw err;
    expect(err.issues.length).toBeGreaterThan(0);
    const lines = text.split('\n').length;
    for (const issue of err.issues) {
      expect(typeof issue.path).toBe('string');
      expect(issue.message.length).toBeGreaterThan(0);
      expect(issue.file).toBe('fuzz.yaml');
      if (issue.line !== undefined) expect(issue.line).toBeGreaterThanOrEqual(1);
      if (issue.line !== undefined) expect(issue.line).toBeLessThanOrEqual(lines + 1);
    }
  }
  expect(performance.now() - started).toBeLessThan(RUN_BUDGET_MS);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const designJson = parseDocuments(designExample)[0]?.value as Json;
const fullJson = JSON.parse(fullJsonExample) as Json;

/** Every path into a JSON value (objects and arrays), root first. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Mutation = { kind: 'delete' } | { kind: 'rename'; to: string } | { kind: 'replace'; with: Json };

function mutate(doc: Json, path: Array<string | number>, m: Mutation): Json {
  const copy = structuredClone(doc);
  if (path.length === 0) return m.kind === 'replace' ? m.with : copy;
  let parent: any = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg];
  const last = path[path.length - 1] as string | number;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (m.kind === 'rename' && !Array.isArray(parent)) {
    const v = parent[last];
    delete parent[last];
    Object.defineProperty(parent, m.to, { value: v, enumerable: true, writable: true, configurable: true });
  } else if (m.kind === 'replace') parent[last] = m.with;
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'delete' }),
  fc.string({ maxLength: 12 }).map((to): Mutation => ({ kind: 'rename', to })),
  fc.jsonValue({ maxDepth: 2 }).map((v): Mutation => ({ kind: 'replace', with: v as Json })),
  fc.constantFrom<Json>('0s', '-1s', '1e400h', '', 'fixed', 999999, -1, 1.5, [], {}, null, true).map((v): Mutation => ({ kind: 'replace', with: v })),
);

describe('fuzz: parseExperiment returns an Experiment or throws SpecInvalidError, quickly', () => {
  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => parsesOrExplains(s)), { numRuns: 300 });
  });

  it('arbitrary YAML-looking text', () => {
    const token = fc.constantFrom('a', 'spec', ':', ': ', '- ', '\n', '  ', '{', '}', '[', ']', ',', '&x ', '*x', '!!str ', '? ', '---\n', '"', "'", '#', '|', '>', '1s', 'kind: Experiment\n');
    fc.assert(fc.property(fc.array(token, { maxLength: 60 }).map((t) => t.join('')), (s) => parsesOrExplains(s)), { numRuns: 500 });
  });

  it('arbitrary JSON values dumped as YAML (whole document and as spec)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, asSpec) => {
        const doc = asSpec ? { apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'fuzz' }, spec: value } : value;
        parsesOrExplains(stringify(doc));
      }),
      { numRuns: 300 },
    );
  });

  it('mutations of valid experiments (delete, rename, change type), as YAML and JSON', () => {
    const base = fc.constantFrom(designJson, fullJson);
    fc.assert(
      fc.property(base.chain((doc) => fc.tuple(fc.constant(doc), fc.constantFrom(...paths(doc)), mutation, fc.boolean(), fc.boolean())), ([doc, path, m, asJson, withRegistry]) => {
        const mutated = mutate(doc, path, m);
        parsesOrExplains(asJson ? JSON.stringify(mutated, null, 2) : stringify(mutated), withRegistry);
      }),
      { numRuns: 600 },
    );
  });

  it('random edits of the YAML text', () => {
    fc.assert(
      fc.property(fc.nat({ max: designExample.length }), fc.nat({ max: 5 }), fc.string({ maxLength: 4 }), (at, cut, insert) => {
        parsesOrExplains(designExample.slice(0, at) + insert + designExample.slice(at + cut));
      }),
      { numRuns: 300 },
    );
  });
});
