// `npm start`: builds the extension, serves the demo intranet and the reference endpoint on
// this machine, and opens Chromium with Flywheel loaded where there is a display.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/start-server';
import { startStaticServer } from './static-server';

const root = fileURLToPath(new URL('../', import.meta.url));
const SITE_PORT = Number(process.env.DEMO_PORT ?? 8080);
const ENDPOINT_PORT = Number(process.env.PORT ?? 8787);
const endpointUrl = `http://127.0.0.1:${ENDPOINT_PORT}/annotations/`;

console.log('Building the extension…');
const build = spawnSync(process.execPath, ['node_modules/wxt/bin/wxt.mjs', 'build'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FLYWHEEL_SITES: 'http://127.0.0.1/*', FLYWHEEL_ENDPOINT: endpointUrl },
});
if (build.status !== 0) process.exit(build.status ?? 1);
const extensionDir = `${root}.output/chrome-mv3`;

const endpoint = await startServer({ port: ENDPOINT_PORT });
const site = await startStaticServer({ '/': `${root}demo/site` }, SITE_PORT);
const demoUrl = site.url('/purchase-order.html');
const triageUrl = `${endpoint.url}/triage`;

console.log(`
Flywheel demo
  Demo intranet      ${site.url('/')}
  Reference endpoint ${endpoint.containerUrl} (${endpoint.database.kind}; data kept in .data/)
  Triage page        ${triageUrl}  (process owners set statuses and reply here)
  Unpacked extension ${extensionDir}
`);

const chromium = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((path) =>
  existsSync(path),
);
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
if (chromium && hasDisplay) {
  const profile = `${root}.tmp/demo-profile`;
  await mkdir(profile, { recursive: true });
  const browser = spawn(
    chromium,
    [
      `--user-data-dir=${profile}`,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-first-run',
      '--disable-sync',
      demoUrl,
      triageUrl,
    ],
    { stdio: 'ignore' },
  );
  console.log('Chromium is open with Flywheel. Select a step, choose "Suggest improvement".');
  browser.on('exit', () => shutdown());
} else {
  console.log(
    chromium
      ? 'No display here: load the unpacked extension above in Chromium (chrome://extensions, Developer mode, Load unpacked), then open the demo intranet.'
      : 'Chromium is not installed (apt-get install chromium): load the unpacked extension above in a Chromium-based browser, then open the demo intranet.',
  );
}
console.log('Press Ctrl+C to stop.');

async function shutdown() {
  await site.close();
  await endpoint.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
