import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'test-artifacts/**', '**/*.d.ts', 'packages/dashboard-ui/assets/**', 'packages/dashboard-ui/dist-ui/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  // TypeScript itself reports undefined names; ESLint's rule does not know Node's global types.
  { files: ['**/*.ts'], rules: { 'no-undef': 'off' } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@faultline/*/src/*', '@faultline/*/dist/*'], message: 'Import the package entry, not its files.' }] }],
    },
  },
  {
    // Dependencies point one way: packages never import apps; providers never import the engine.
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@faultline/cli', '@faultline/controller', '@faultline/demo-shop'], message: 'packages never import apps' },
        { group: ['@faultline/*/src/*'], message: 'Import the package entry, not its files.' },
      ] }],
    },
  },
  {
    files: ['packages/faults-*/**/*.ts', 'packages/probes/**/*.ts', 'packages/proxy/**/*.ts', 'packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@faultline/engine', '@faultline/spec', '@faultline/store', '@faultline/cli', '@faultline/controller'], message: 'providers, probes and core depend on @faultline/core only' },
      ] }],
    },
  },
  {
    // One clock (issue 13): product code reads time only through @faultline/core's Clock, so tests can
    // drive time and never depend on today's date or the machine's time zone. Tests, test support and
    // benchmarks may read the real clock; an exception in product code says why in an eslint-disable comment.
    files: ['apps/*/src/**/*.ts', 'packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-support/**', '**/testing/**', '**/test-helpers.ts', 'packages/core/src/clock.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Read time through the injected Clock (@faultline/core), not Date.now().' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read time through the injected Clock (@faultline/core), not new Date().' },
        { selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']", message: 'Measure durations with Clock.monotonic() (@faultline/core), not performance.now().' },
      ],
    },
  },
);
