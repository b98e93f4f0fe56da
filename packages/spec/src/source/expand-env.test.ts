import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../experiment/parse-experiment.js';
import { edit, issuesOf, minimalExample, positionOf } from '../test/examples.js';
import { expandEnvironment } from './expand-env.js';
import { parseDocuments } from './source-document.js';

const expand = (yamlText: string, env: Record<string, string | undefined>) => {
  const doc = parseDocuments(yamlText, { file: 'env.yaml' })[0]!;
  return expandEnvironment(doc.value, env, doc);
};

describe('${NAME} / ${NAME:-default} in values', () => {
  it('expands variables, defaults and escapes inside strings', () => {
    const { value, issues } = expand('a: "${HOST:-127.0.0.1}:${PORT}"\nb: $${LITERAL}\nc: cost $5\nd: ${EMPTY:-fallback}\n', { PORT: '8474', EMPTY: '' });
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: '127.0.0.1:8474', b: '${LITERAL}', c: 'cost $5', d: 'fallback' });
  });

  it('a value that is exactly one expression takes the type of a number or boolean expansion', () => {
    const { value } = expand('n: ${N:-5}\nf: ${F:-0.5}\nb: ${B:-true}\ns: ${S:-abc}\nmixed: x${N:-5}\n', {});
    expect(value).toEqual({ n: 5, f: 0.5, b: true, s: 'abc', mixed: 'x5' });
  });

  it('never expands keys', () => {
    expect(expand('${K}: 1\n', {}).value).toEqual({ '${K}': 1 });
  });

  it('unset variables and malformed expressions are located issues', () => {
    const text = 'a: x\nb: ${MISSING}\nc: ${not a name}\nd: ${OPEN\n';
    const { issues } = expand(text, {});
    expect(issues.map((i) => [i.path, i.line, i.message])).toEqual([
      ['b', 2, 'environment variable MISSING is not set; set it, or give a default: ${MISSING:-value}'],
      ['c', 3, "'${not a name}' is not a variable reference; write ${NAME} or ${NAME:-default} with NAME made of letters, digits and _"],
      ['d', 4, "has '${' without a closing '}'; write ${NAME} or ${NAME:-default}, or $${ for a literal ${"],
    ]);
  });

  it('parseExperiment expands before validating, and locates problems in the original text', () => {
    const text = edit(minimalExample, 'duration: 30s', 'duration: ${HOLD:-15s}');
    expect(parseExperiment(text).spec.durationMs).toBe(15_000);
    expect(parseExperiment(text, { env: { HOLD: '2m' } }).spec.durationMs).toBe(120_000);
    const bad = issuesOf(() => parseExperiment(text, { env: { HOLD: 'soon' }, file: 'e.yaml' }));
    expect(bad).toEqual([
      { path: 'spec.duration', message: 'is not a duration; use a number with a unit: 250ms, 30s, 2m, 1h', file: 'e.yaml', ...positionOf(text, '${HOLD'), found: '"soon"' },
    ]);
    const unset = issuesOf(() => parseExperiment(edit(minimalExample, 'duration: 30s', 'duration: ${HOLD}'), {}));
    expect(unset.map((i) => i.path)).toEqual(['spec.duration']);
  });
});
