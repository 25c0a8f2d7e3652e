import { spawnSync } from 'node:child_process';
import { E2E_OUT_DIR, E2E_SITES } from './paths';

/** Builds the extension once for all browser tests, configured for the test site. */
export default function setup() {
  const result = spawnSync(process.execPath, ['node_modules/wxt/bin/wxt.mjs', 'build'], {
    env: { ...process.env, FLYWHEEL_SITES: E2E_SITES, FLYWHEEL_OUT_DIR: E2E_OUT_DIR },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`Extension build failed:\n${result.stdout}\n${result.stderr}`);
  }
}
