import { describe, expect, it } from 'vitest';
import { JSON_PATH_PATTERN, evaluateJsonPath, parseJsonPath } from './json-path.js';

const doc = { status: 'ok', checks: [{ name: 'db', healthy: true }, { name: 'cache', healthy: false }], 'x-version': 3, n: null };

describe('json path subset', () => {
  it.each([
    ['$', doc],
    ['$.status', 'ok'],
    ['$.checks[0].healthy', true],
    ['$.checks[-1].name', 'cache'],
    ["$['x-version']", 3],
    ['$["checks"][1]["healthy"]', false],
    ['$.n', null],
  ])('%s', (path, expected) => {
    expect(evaluateJsonPath(doc, parseJsonPath(path))).toEqual({ found: true, value: expected });
  });

  it('says where a path stops matching', () => {
    expect(evaluateJsonPath(doc, parseJsonPath('$.checks[5].healthy'))).toEqual({ found: false, missingAt: '$.checks[5]' });
    expect(evaluateJsonPath(doc, parseJsonPath('$.status.code'))).toEqual({ found: false, missingAt: '$.status.code' });
    expect(evaluateJsonPath(doc, parseJsonPath('$[0]'))).toEqual({ found: false, missingAt: '$[0]' });
  });

  it('does not walk into inherited properties', () => {
    expect(evaluateJsonPath({}, parseJsonPath('$.constructor'))).toEqual({ found: false, missingAt: '$.constructor' });
  });

  it.each(['status', '$.', '$..a', '$.a[*]', '$.a[1:2]', '$[?(@.a)]', '$.1a'])('rejects %s in parser and schema pattern', (path) => {
    expect(() => parseJsonPath(path)).toThrow(RangeError);
    expect(new RegExp(JSON_PATH_PATTERN).test(path)).toBe(false);
  });

  it('schema pattern accepts what the parser accepts', () => {
    for (const p of ['$', '$.a', '$.a[0]', "$['a b']", '$["a"][-2].b_c$-d']) {
      expect(new RegExp(JSON_PATH_PATTERN).test(p)).toBe(true);
      expect(() => parseJsonPath(p)).not.toThrow();
    }
  });
});
