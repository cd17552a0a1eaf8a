import { defineConfig } from 'vitest/config';

// Node integration tests and the browser E2E against one real `regen up` (started by the global
// setup on free ports). Run by the e2e Maven module in `integration-test`.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    globalSetup: ['test/integration/global-setup.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ['verbose'],
  },
});
