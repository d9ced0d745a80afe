import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One Docker engine per run (found, or a private dockerd); Docker suites skip with one line without it.
    globalSetup: ['tests/support/docker-global-setup.ts'],
  },
});
