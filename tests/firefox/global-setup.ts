import { spawnSync } from 'node:child_process';
import { E2E_SITES } from '../e2e/support/paths';
import { FIREFOX, FIREFOX_OUT_DIR } from './paths';

/** Builds the Firefox extension once, configured for the test site, into its own folder. */
export default function setup() {
  if (!FIREFOX) {
    throw new Error('Firefox is not installed: run `npm run setup` (Debian package firefox-esr)');
  }
  const result = spawnSync(
    process.execPath,
    ['node_modules/wxt/bin/wxt.mjs', 'build', '-b', 'firefox'],
    {
      env: { ...process.env, FLYWHEEL_SITES: E2E_SITES, FLYWHEEL_OUT_DIR: FIREFOX_OUT_DIR },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(`Firefox build failed:\n${result.stdout}\n${result.stderr}`);
  }
}
