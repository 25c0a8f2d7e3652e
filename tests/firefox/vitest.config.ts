import { defineConfig } from 'vitest/config';

// The Firefox build in Debian's Firefox ESR, driven over WebDriver BiDi (puppeteer-core).
export default defineConfig({
  test: {
    include: ['tests/firefox/**/*.test.ts'],
    globalSetup: ['tests/firefox/global-setup.ts'],
    testTimeout: 60_000,
    // Starting Firefox took 7-16 s here, more on a busier machine.
    hookTimeout: 90_000,
  },
});
