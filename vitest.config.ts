import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

// Unit and server tests. Browser end-to-end tests have their own config (tests/e2e).
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: [
      'tests/unit/**/*.test.{ts,tsx}',
      'tests/server/**/*.test.ts',
      'tests/sync/**/*.test.ts',
    ],
    setupFiles: ['fake-indexeddb/auto'],
    restoreMocks: true,
    testTimeout: 20_000,
    // Opening PGlite or starting a PostgreSQL cluster takes seconds, far more on a busy machine.
    hookTimeout: 90_000,
  },
});
