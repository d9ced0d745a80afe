import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // After the default report, a short repeat of what failed, so a log's tail carries the cause.
    reporters: ['default', './tests/support/failure-summary-reporter.ts'],
    // PostgreSQL suites start a private cluster each, and skip with one line without the server binaries.
    // One Docker engine per run (found, or a private dockerd); Docker suites skip with one line without it.
    globalSetup: ['tests/support/docker-global-setup.ts', 'tests/support/pg-global-setup.ts'],
  },
});
