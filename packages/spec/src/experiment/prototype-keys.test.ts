import { formatSpecIssues } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { designExample, issuesOf } from '../test/examples.js';
import { fakeRegistry } from '../test/fake-registry.js';
import { parseExperiment } from './parse-experiment.js';

// Keys named like Object.prototype members once produced messages such as
// `spec.steadyState[0].toString: function toString() { [native code] }` (found by the fuzz test).
const PROTOTYPE_KEYS = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
const NATIVE = /native code|\[object Object\]|function /;

const registry = fakeRegistry();
const issues = (text: string, withRegistry = true) => issuesOf(() => parseExperiment(text, withRegistry ? { file: 'exp.yaml', registry } : { file: 'exp.yaml' }));

/** The design example with `key: value` added as the first key of the given block's first entry. */
const places: Array<[string, (key: string) => string, string]> = [
  ['a steady-state probe', (k) => designExample.replace('    - name: error-rate\n', `    - name: error-rate\n      ${k}: { a: 1 }\n`), 'spec.steadyState[0]'],
  ['a guard', (k) => designExample.replace('    - name: checkout-healthy\n', `    - name: checkout-healthy\n      ${k}: { a: 1 }\n`), 'spec.guards[0]'],
  ['a target', (k) => designExample.replace('    redis:\n', `    redis:\n      ${k}: { a: 1 }\n`), 'spec.targets.redis'],
  ['a fault', (k) => designExample.replace('    - name: slow-redis\n', `    - name: slow-redis\n      ${k}: 1\n`), 'spec.faults[0]'],
  ['spec', (k) => designExample.replace('\nspec:\n', `\nspec:\n  ${k}: 1\n`), 'spec'],
  ['metadata', (k) => designExample.replace('\nmetadata:\n', `\nmetadata:\n  ${k}: 1\n`), 'metadata'],
];

describe('keys named like Object.prototype members are plain unknown keys', () => {
  for (const [where, edit, path] of places) {
    for (const key of PROTOTYPE_KEYS) {
      it(`'${key}' in ${where}: an unknown-key issue at ${path}.${key}, never a native function`, () => {
        const found = issues(edit(key));
        expect(found.map((i) => i.message).join('\n')).not.toMatch(NATIVE);
        const issue = found.find((i) => i.path === `${path}.${key}`);
        expect(issue, formatSpecIssues(found)).toBeDefined();
        expect(issue?.message).toMatch(new RegExp(`^unknown key '${key.replace(/\$/g, '\\$')}'`));
      });
    }
  }

  it('without a registry an extra key in a probe is a second kind, named as such', () => {
    for (const key of PROTOTYPE_KEYS) {
      const found = issues(places[0]![1](key), false);
      expect(found.map((i) => i.message).join('\n')).not.toMatch(NATIVE);
      expect(found.some((i) => i.path.startsWith('spec.steadyState[0]') && /more than one probe kind|unknown key/.test(i.message)), formatSpecIssues(found)).toBe(true);
    }
  });

  it('a typo next to a prototype-named key still gets did-you-mean', () => {
    const text = designExample.replace('    - name: error-rate\n', '    - name: error-rate\n      toString: {}\n      timout: 1s\n');
    const found = issues(text);
    expect(found.find((i) => i.path === 'spec.steadyState[0].timout')?.message).toBe("unknown key 'timout'; did you mean 'timeout'?");
    expect(found.find((i) => i.path === 'spec.steadyState[0].toString')?.message).toMatch(/^unknown key 'toString'/);
  });

  it('a target or label named like a prototype member is just a name', () => {
    const text = designExample
      .replace('labels: { team: payments }', 'labels: { team: payments, constructor: x, toString: y }')
      .replace('    redis:\n      toxiproxy', '    toString:\n      toxiproxy')
      .replace('target: redis', 'target: toString');
    const exp = parseExperiment(text, { file: 'exp.yaml', registry });
    expect(Object.keys(exp.spec.targets)).toContain('toString');
    expect(exp.metadata.labels).toEqual({ team: 'payments', constructor: 'x', toString: 'y' });
  });

  it('a label key __proto__ is refused with a message that says what a label key looks like', () => {
    const found = issues(designExample.replace('labels: { team: payments }', 'labels: { team: payments, __proto__: y }'));
    expect(found.find((i) => i.path === 'metadata.labels.__proto__')?.message).toMatch(/not a valid key; expected a label key/);
  });
});
