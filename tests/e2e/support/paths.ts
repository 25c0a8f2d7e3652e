import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const E2E_OUT_DIR = `${REPO_ROOT}.output/e2e`;
export const EXTENSION_DIR = `${E2E_OUT_DIR}/chrome-mv3`;
/** The configured site of the tests; `localhost` serves the same pages as an unconfigured one. */
export const E2E_SITES = 'http://127.0.0.1/*';
export const DEMO_SITE_DIR = `${REPO_ROOT}demo/site`;
export const TEST_PAGES_DIR = `${REPO_ROOT}tests/e2e/pages`;
