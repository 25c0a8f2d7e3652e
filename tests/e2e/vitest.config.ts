import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: the built extension in Debian's Chromium, driven as a person would.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // One Chromium at a time: the machine has two cores.
    fileParallelism: false,
  },
});
