import fc from 'fast-check';
import { describe, it } from 'vitest';
import { designExample } from '../test/examples.js';
import { parsesOrExplains, specFuzzTargets } from '../test/fuzz-targets.js';

// Deterministic: the seed comes from the repo's vitest setup (fixed in CI; FAULTLINE_FUZZ_SEED=<n>|random
// to change it), and a failure prints how to reproduce it. No time budget here: hangs are the test
// timeout's business, speed is bench/fuzz's. Longer randomized runs: `npm run bench -- fuzz`.
describe('fuzz: parseExperiment returns an Experiment or throws SpecInvalidError with meaningful issues', () => {
  for (const target of specFuzzTargets()) {
    it(target.name, () => {
      fc.assert(target.property, { numRuns: target.numRuns });
    });
  }

  // Regression cases found by fuzzing, pinned to the seed and path that found them.
  it('regression (bench/fuzz, seed 2133969145): a probe whose expect is renamed to __proto__, YAML, no registry', () => {
    const mutations = specFuzzTargets().find((t) => t.name === 'spec: mutations of valid experiments');
    fc.assert(mutations!.property, { seed: 2133969145, path: '22:2', endOnFailure: true });
  });

  it('regression: a probe key named toString gave "toString: function toString() { [native code] }"', () => {
    for (const key of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      parsesOrExplains(designExample.replace('    - name: error-rate\n', `    - name: error-rate\n      ${key}: {}\n`));
      parsesOrExplains(designExample.replace('    - name: error-rate\n', `    - name: error-rate\n      ${key}: {}\n`), false);
    }
  });
});
