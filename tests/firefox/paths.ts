import { existsSync } from 'node:fs';
import { REPO_ROOT } from '../e2e/support/paths';

/** The Firefox tests' own build, beside the Chromium tests' and the demo's. */
export const FIREFOX_OUT_DIR = `${REPO_ROOT}.output/firefox-e2e`;
export const FIREFOX_EXTENSION_DIR = `${FIREFOX_OUT_DIR}/firefox-mv3`;

/** Debian's Firefox ESR (`npm run setup` installs it); `FIREFOX_PATH` points elsewhere. */
export const FIREFOX = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].find(
  (path): path is string => !!path && existsSync(path),
);
