import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { validateWithSchema } from '../validate/validate-with-schema.js';
import { didYouMean, editDistance } from './did-you-mean.js';
import { formatPath, pointerToPath } from './path.js';
import { parseDocuments } from './source-document.js';

describe('parseDocuments (reusable by other file kinds)', () => {
  const text = `apiVersion: faultline.dev/v1
kind: Experiment
---
kind: Schedule
spec:
  cron: "*/5 * * * *"
  windows:
    - { days: [mon, tue], from: "09:00" }
`;

  it('returns every document with its kind and plain JSON value', () => {
    const docs = parseDocuments(text, { file: 'all.yaml' });
    expect(docs.map((d) => [d.index, d.kind, d.empty, d.issues.length])).toEqual([
      [0, 'Experiment', false, 0],
      [1, 'Schedule', false, 0],
    ]);
    expect(docs[1]?.value).toEqual({ kind: 'Schedule', spec: { cron: '*/5 * * * *', windows: [{ days: ['mon', 'tue'], from: '09:00' }] } });
  });

  it('locates values and keys across documents (lines count from the start of the file)', () => {
    const doc = parseDocuments(text)[1]!;
    expect(doc.locate(['spec', 'cron'])).toEqual({ line: 6, column: 9 });
    expect(doc.locate(['spec', 'cron'], { key: true })).toEqual({ line: 6, column: 3 });
    expect(doc.locate(['spec', 'windows', 0, 'days', 1])).toEqual({ line: 8, column: 21 });
    // A path that does not exist resolves to its deepest existing ancestor.
    expect(doc.locate(['spec', 'windows', 0, 'to'])).toEqual({ line: 8, column: 7 });
    expect(doc.start?.line).toBe(3);
  });

  it('lets a Schedule parser validate with the same located messages', () => {
    const Schedule = Type.Object(
      {
        kind: Type.Literal('Schedule'),
        spec: Type.Object(
          {
            cron: Type.String(),
            windows: Type.Array(
              Type.Object(
                { days: Type.Array(Type.Unsafe({ type: 'string', enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] })), from: Type.String(), to: Type.String() },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    );
    const bad = text.replace('days: [mon, tue]', 'dayz: [mon, tue]');
    const doc = parseDocuments(bad, { file: 'sched.yaml' }).find((d) => d.kind === 'Schedule')!;
    const issues = validateWithSchema(Schedule, doc.value, doc, { owner: 'Schedule' });
    expect(issues).toEqual([
      { path: 'spec.windows[0].dayz', message: "unknown key 'dayz'; did you mean 'days'?", file: 'sched.yaml', line: 8, column: 9, allowed: ['days', 'from', 'to'] },
      { path: 'spec.windows[0].to', message: "missing required key 'to'; add it", file: 'sched.yaml', line: 8, column: 7 },
    ]);
  });

  it('reports what JSON cannot hold, duplicate keys and odd keys, without throwing', () => {
    const [doc] = parseDocuments('a: 1\na: 2\n? [x]\n: 3\nb: .nan\n');
    expect(doc?.issues.map((i) => [i.path, i.line, i.message.split(';')[0]])).toEqual([
      ['a', 2, "duplicate key 'a' (first defined on line 1)"],
      ['', 3, 'a key must be a plain string, not a list, map or tagged value'],
      ['b', 5, 'NaN is not a finite number'],
    ]);
  });

  it('keeps "__proto__" a plain key instead of a prototype', () => {
    const [doc] = parseDocuments('__proto__: { polluted: true }\n');
    const value = doc?.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('an empty stream has no documents; comment-only documents are empty', () => {
    expect(parseDocuments('')).toEqual([]);
    expect(parseDocuments('# nothing\n')).toEqual([]);
    expect(parseDocuments('---\n# nothing\n').map((d) => d.empty)).toEqual([true]);
  });
});

describe('paths and suggestions', () => {
  it('formats paths the way people read them', () => {
    expect(formatPath(['spec', 'faults', 1, 'with', 'latency'])).toBe('spec.faults[1].with.latency');
    expect(formatPath(['metadata', 'labels', 'faultline.dev/team'])).toBe('metadata.labels["faultline.dev/team"]');
    expect(formatPath([])).toBe('');
  });

  it('reads JSON pointers, telling array indexes from numeric keys', () => {
    expect(pointerToPath('/a/0/1', { a: [{ '1': 2 }] })).toEqual(['a', 0, '1']);
    expect(pointerToPath('/x~1y/~0z', {})).toEqual(['x/y', '~z']);
  });

  it('suggests near misses only', () => {
    expect(editDistance('latncy', 'latency')).toBe(1);
    expect(editDistance('mdoe', 'mode')).toBe(1);
    expect(didYouMean('latncy', ['latency', 'jitter'])).toBe('latency');
    expect(didYouMean('Duration', ['duration'])).toBe('duration');
    expect(didYouMean('zzz', ['latency', 'jitter'])).toBeUndefined();
    expect(didYouMean('x'.repeat(5000), ['latency'])).toBeUndefined();
  });
});

describe('validateWithSchema messages', () => {
  it('treats a union of literals as an enum (allowed values + did-you-mean)', () => {
    const schema = Type.Object({ method: Type.Union([Type.Literal('GET'), Type.Literal('POST')]) });
    const doc = parseDocuments('method: GETT\n')[0]!;
    expect(validateWithSchema(schema, doc.value, doc)).toEqual([
      { path: 'method', message: "is not an allowed value; did you mean 'GET'?", line: 1, column: 9, found: '"GETT"', allowed: ['GET', 'POST'] },
    ]);
  });

  it('reports the branch a value was meant for when a union has one of its shape', () => {
    const schema = Type.Object({ v: Type.Union([Type.Number(), Type.Object({ min: Type.Number() }, { additionalProperties: false })]) });
    const doc = parseDocuments('v: { mn: 1 }\n')[0]!;
    expect(validateWithSchema(schema, doc.value, doc).map((i) => [i.path, i.message])).toEqual([
      ['v.mn', "unknown key 'mn'; did you mean 'min'?"],
    ]);
  });
});
