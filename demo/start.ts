// `npm start`: builds the extension into the demo's own folder, serves the demo intranet and
// the reference endpoint on this machine, and opens Chromium with Flywheel loaded where there
// is a display. Variables: DEMO_PORT, PORT, DATABASE_URL, CHROMIUM_PATH (see the README).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/start-server';
import { firstFreePort, isPortFree } from './ports';
import { startStaticServer } from './static-server';

const root = fileURLToPath(new URL('../', import.meta.url));
// Its own build folder: the tests build theirs elsewhere, so they never replace a running demo's.
const DEMO_OUT_DIR = `${root}.output/demo`;
const extensionDir = `${DEMO_OUT_DIR}/chrome-mv3`;
/** How long Chromium must stay up before the demo says it is open. */
const BROWSER_SETTLE_MS = 3000;

const sitePort = await portFromEnv('DEMO_PORT', 8080, 'the demo intranet');
const endpointPort = await portFromEnv('PORT', 8787, 'the reference endpoint');
if (sitePort === endpointPort) fail(`DEMO_PORT and PORT are both ${sitePort}: choose two ports.`);
const endpointUrl = `http://127.0.0.1:${endpointPort}/annotations/`;

console.log(`Building the extension into ${DEMO_OUT_DIR}…`);
const build = spawnSync(process.execPath, ['node_modules/wxt/bin/wxt.mjs', 'build'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    FLYWHEEL_SITES: 'http://127.0.0.1/*',
    FLYWHEEL_ENDPOINT: endpointUrl,
    FLYWHEEL_OUT_DIR: DEMO_OUT_DIR,
  },
});
if (build.status !== 0) process.exit(build.status ?? 1);

const databaseUrl = process.env.DATABASE_URL || undefined;
const endpoint = await startServer({ port: endpointPort, databaseUrl }).catch((error: unknown) =>
  fail(listenFailure(error, endpointPort, 'PORT')),
);
const site = await startStaticServer({ '/': `${root}demo/site` }, sitePort).catch(
  async (error: unknown) => {
    await endpoint.close();
    return fail(listenFailure(error, sitePort, 'DEMO_PORT'));
  },
);
const demoUrl = site.url('/purchase-order.html');
const triageUrl = `${endpoint.url}/triage`;

console.log(`
Flywheel demo
  Demo intranet      ${site.url('/')}
  Reference endpoint ${endpoint.containerUrl} (${endpoint.database.kind}${databaseUrl ? '' : '; data kept in .data/'})
  Triage page        ${triageUrl}  (process owners set statuses and reply here)
  Unpacked extension ${extensionDir}
`);

let browser: ChildProcess | null = null;
let stopping = false;
const chromium = [
  process.env.CHROMIUM_PATH,
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
].find((path): path is string => !!path && existsSync(path));
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
if (chromium && hasDisplay) {
  browser = await openChromium(chromium);
} else {
  console.log(
    chromium
      ? 'No display here: load the unpacked extension above in Chromium (chrome://extensions, Developer mode, Load unpacked), then open the demo intranet.'
      : 'Chromium is not installed (npm run setup installs it): load the unpacked extension above in a Chromium-based browser, then open the demo intranet.',
  );
}
console.log('Press Ctrl+C to stop.');
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

/** Starts Chromium and waits a moment: if it dies at once, its own output says why. */
async function openChromium(executable: string): Promise<ChildProcess | null> {
  const profile = `${root}.tmp/demo-profile`;
  await mkdir(profile, { recursive: true });
  const args = [
    `--user-data-dir=${profile}`,
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--no-first-run',
    '--disable-sync',
    // A demo stopped with Ctrl+C is no crash to offer restoring.
    '--hide-crash-restore-bubble',
  ];
  // Chromium refuses to start as root with its sandbox on.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) args.push('--no-sandbox');
  const child = spawn(executable, [...args, demoUrl, triageUrl], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not be started (${error.message})`));
    child.once('exit', (code, signal) =>
      resolve(signal ? `was stopped by ${signal}` : `exited with code ${code}`),
    );
  });
  const early = await Promise.race([
    exited,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), BROWSER_SETTLE_MS)),
  ]);
  if (early !== null) {
    console.error(`Chromium (${executable}) ${early} before it opened. Its output:\n${output()}`);
    console.log(
      'The demo intranet and endpoint keep running: load the unpacked extension above in a browser by hand, or press Ctrl+C.',
    );
    return null;
  }
  console.log(
    `Chromium is open with Flywheel${asRoot ? ' (as root, so without its sandbox: --no-sandbox)' : ''}. Select a step, choose "Suggest improvement".`,
  );
  void exited.then((how) => {
    if (stopping) return;
    if (!how.endsWith('code 0')) console.error(`Chromium ${how}. Its last output:\n${output()}`);
    void shutdown(0);
  });
  return child;
}

/** The last lines a process printed, for when it dies. */
function keepTail(child: ChildProcess, maxChars = 4000): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-maxChars);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text.trimEnd() || '(nothing)';
}

/** A port from the environment, or the default; a taken one stops the demo with a way out. */
async function portFromEnv(variable: string, fallback: number, what: string): Promise<number> {
  const raw = process.env[variable];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${variable}=${raw} is not a port number (1-65535).`);
  }
  if (await isPortFree(port)) return port;
  const free = await firstFreePort(port + 1);
  return fail(
    `Port ${port} on 127.0.0.1, for ${what}, is taken (another program, or a demo already running).\n` +
      `Stop it, or choose another port: ${variable}=${free ?? port + 1} npm start`,
  );
}

function listenFailure(error: unknown, port: number, variable: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return `Port ${port} became taken while the demo started: choose another with ${variable}=…`;
  }
  return `Could not listen on port ${port} (${variable}): ${error instanceof Error ? error.message : String(error)}`;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  browser?.kill();
  await site.close();
  await endpoint.close();
  process.exit(code);
}
