// Runs before every test file: fast-check properties use one fixed seed (CI) unless
// FAULTLINE_FUZZ_SEED=<n>|random says otherwise, and a failure prints how to reproduce it.
import { configureFuzz } from '@faultline/testing/fuzz';

configureFuzz();
