import assert from 'node:assert/strict';
import { SpecInvalidError } from '@faultline/core';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseExperiment } from '../experiment/parse-experiment.js';
import { parseDocuments } from '../source/source-document.js';
import { designExample, fullJsonExample } from './examples.js';
import { fakeRegistry } from './fake-registry.js';

// The spec parser's fuzz properties, shared by the fixed-seed test (fuzz.test.ts) and the
// longer randomized `bench/fuzz`. Plain node:assert, so they run outside Vitest too.

/** Keys named like Object.prototype members (kept in sync with @faultline/testing's PROTOTYPE_KEYS). */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
const NATIVE = /\[native code\]|\[object Object\]/;

const registry = fakeRegistry();

/** The property every input must satisfy: an Experiment, or a SpecInvalidError with located, meaningful issues. */
export function parsesOrExplains(text: string, withRegistry = true): void {
  try {
    const exp = parseExperiment(text, withRegistry ? { file: 'fuzz.yaml', registry } : { file: 'fuzz.yaml' });
    assert.equal(exp.kind, 'Experiment');
    assert.ok(Number.isFinite(exp.spec.durationMs), `durationMs ${exp.spec.durationMs} is not finite`);
  } catch (err) {
    if (!(err instanceof SpecInvalidError)) throw err;
    assert.ok(err.issues.length > 0, 'SpecInvalidError without issues');
    const lines = text.split('\n').length;
    for (const issue of err.issues) {
      assert.equal(typeof issue.path, 'string');
      assert.ok(issue.message.length > 0, `empty message at ${issue.path}`);
      assert.doesNotMatch(issue.message, NATIVE, `message shows a native function or object: ${issue.path}: ${issue.message}`);
      assert.equal(issue.file, 'fuzz.yaml');
      if (issue.line !== undefined) assert.ok(issue.line >= 1 && issue.line <= lines + 1, `line ${issue.line} outside 1..${lines + 1}`);
    }
  }
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

type Mutation = { kind: 'delete' } | { kind: 'rename'; to: string } | { kind: 'replace'; with: Json } | { kind: 'add'; key: string; with: Json };

function mutate(doc: Json, path: Array<string | number>, m: Mutation): Json {
  const copy = structuredClone(doc);
  const define = (o: object, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  if (m.kind === 'add') {
    let target: any = copy;
    for (const seg of path) target = target[seg];
    if (target && typeof target === 'object' && !Array.isArray(target)) define(target, m.key, m.with);
    return copy;
  }
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
    define(parent, m.to, v);
  } else if (m.kind === 'replace') parent[last] = m.with;
  return copy;
}

const keyName = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...PROTOTYPE_KEYS));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'delete' }),
  keyName.map((to): Mutation => ({ kind: 'rename', to })),
  fc.tuple(keyName, fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant({}))).map(([key, v]): Mutation => ({ kind: 'add', key, with: v as Json })),
  fc.jsonValue({ maxDepth: 2 }).map((v): Mutation => ({ kind: 'replace', with: v as Json })),
  fc.constantFrom<Json>('0s', '-1s', '1e400h', '', 'fixed', 999999, -1, 1.5, [], {}, null, true, 'toString', '__proto__').map((v): Mutation => ({ kind: 'replace', with: v })),
);

export interface FuzzTarget {
  readonly name: string;
  /** Runs in the fixed-seed test; bench/fuzz multiplies it. */
  readonly numRuns: number;
  readonly property: fc.IRawProperty<any>;
}

/** The spec parser's properties: text, YAML-looking tokens, JSON values, mutations of valid experiments, text edits. */
export function specFuzzTargets(): FuzzTarget[] {
  const token = fc.constantFrom(
    'a', 'spec', ':', ': ', '- ', '\n', '  ', '{', '}', '[', ']', ',', '&x ', '*x', '!!str ', '? ', '---\n', '"', "'", '#', '|', '>', '1s', 'kind: Experiment\n',
    ...PROTOTYPE_KEYS.map((k) => `${k}: `),
  );
  const base = fc.constantFrom(designJson, fullJson);
  return [
    { name: 'spec: arbitrary strings', numRuns: 300, property: fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => parsesOrExplains(s)) },
    { name: 'spec: YAML-looking text', numRuns: 500, property: fc.property(fc.array(token, { maxLength: 60 }).map((t) => t.join('')), (s) => parsesOrExplains(s)) },
    {
      name: 'spec: JSON values as YAML',
      numRuns: 300,
      property: fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, asSpec) => {
        const doc = asSpec ? { apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'fuzz' }, spec: value } : value;
        parsesOrExplains(stringify(doc));
      }),
    },
    {
      name: 'spec: mutations of valid experiments',
      numRuns: 400,
      property: fc.property(base.chain((doc) => fc.tuple(fc.constant(doc), fc.constantFrom(...paths(doc)), mutation, fc.boolean(), fc.boolean())), ([doc, path, m, asJson, withRegistry]) => {
        const mutated = mutate(doc, path, m);
        parsesOrExplains(asJson ? JSON.stringify(mutated, null, 2) : stringify(mutated), withRegistry);
      }),
    },
    {
      name: 'spec: random edits of the YAML text',
      numRuns: 300,
      property: fc.property(fc.nat({ max: designExample.length }), fc.nat({ max: 5 }), fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(...PROTOTYPE_KEYS.map((k) => `${k}: `))), (at, cut, insert) => {
        parsesOrExplains(designExample.slice(0, at) + insert + designExample.slice(at + cut));
      }),
    },
  ];
}

/** Experiment values one mutation away from a valid one (what structure validation mostly sees). */
export function mutatedExperiments(): fc.Arbitrary<unknown> {
  const base = fc.constantFrom(designJson, fullJson);
  return base.chain((doc) => fc.tuple(fc.constant(doc), fc.constantFrom(...paths(doc)), mutation)).map(([doc, path, m]) => mutate(doc, path, m));
}
