import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/support/browser';
import { REPO_ROOT } from '../e2e/support/paths';

/** The benchmark's own build, beside the normal and the e2e ones. */
export const BENCH_OUT_DIR = join(REPO_ROOT, '.output', 'bench');
export const BENCH_EXTENSION_DIR = join(BENCH_OUT_DIR, 'chrome-mv3');
/** The configured site; `localhost` on the same port serves the same pages unconfigured. */
export const BENCH_SITES = 'http://127.0.0.1/*';

export function buildForBench(): void {
  const result = spawnSync(process.execPath, ['node_modules/wxt/bin/wxt.mjs', 'build'], {
    cwd: REPO_ROOT,
    env: { ...process.env, FLYWHEEL_SITES: BENCH_SITES, FLYWHEEL_OUT_DIR: BENCH_OUT_DIR },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`Extension build failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Same flags as the extension browser (tests/e2e/support/browser.ts), without the extension. */
export async function launchWithoutExtension(): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = await mkdtemp(join(tmpdir(), 'flywheel-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export function chromiumVersion(): string {
  const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  return result.stdout.trim() || 'unknown';
}
