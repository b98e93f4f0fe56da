import { defineConfig } from 'vitest/config';

// One runner for the whole repo. Tests import package sources directly (the @faultline/source
// export condition), so `npm test` never runs against a stale build.
export default defineConfig({
  resolve: { conditions: ['@faultline/source'] },
  ssr: { resolve: { conditions: ['@faultline/source'], externalConditions: ['@faultline/source'] } },
  test: {
    include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'test-artifacts/vitest-junit.xml' },
  },
});
