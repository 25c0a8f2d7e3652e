/// <reference types="chrome" />
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Frame, type Page, type Worker } from 'playwright-core';
import { EXTENSION_DIR } from './paths';

/** Debian's Chromium; the wrapper script in /usr/bin only adds flags we set ourselves. */
export const CHROMIUM =
  [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(
    (path): path is string => !!path && existsSync(path),
  ) ?? '/usr/bin/chromium';

/** Flags for Debian's Chromium on this kind of machine: headless, no network of its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--lang=en-US',
  '--remote-debugging-port=0',
];

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  /** The service worker, found again if Chromium restarted it. */
  currentWorker: () => Promise<Worker>;
  extensionUrl: (path: string) => string;
  /** The profile folder: Chromium writes its DevTools port there. */
  profile: string;
  close: () => Promise<void>;
}

export async function launchWithExtension(
  options: {
    extensionDir?: string;
    headless?: boolean;
    /** A profile to start in (a browser restart); kept on close, for the caller to remove. */
    profile?: string;
  } = {},
): Promise<ExtensionBrowser> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension in ${extensionDir}`);
  }
  const profile = options.profile ?? (await mkdtemp(join(tmpdir(), 'flywheel-e2e-')));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...CHROMIUM_ARGS,
    ],
  });
  const currentWorker = async () =>
    context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await context.waitForEvent('serviceworker'));
  const worker = await currentWorker();
  const extensionId = new URL(worker.url()).host;
  // The background registers the launcher for the configured sites when installed.
  await waitFor(async () => {
    const w = await currentWorker();
    return w.evaluate(
      async () => (await chrome.scripting.getRegisteredContentScripts()).length > 0,
    );
  }, 'the launcher content script to be registered');
  return {
    context,
    extensionId,
    worker,
    currentWorker,
    extensionUrl: (path) => `chrome-extension://${extensionId}/${path}`,
    profile,
    close: async () => {
      await context.close();
      if (!options.profile) await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/**
 * Clicks the launcher where a person sees it: its host is the only part outside its shadow,
 * and the launcher button is the host's right end (other controls sit to its left).
 */
export async function clickLauncher(page: Page): Promise<void> {
  const launcher = page.locator('[data-flywheel-ui="launcher"]');
  await launcher.waitFor({ state: 'attached' });
  const box = await launcher.boundingBox();
  if (!box || box.width === 0) throw new Error('The launcher is not visible');
  await page.mouse.click(box.x + box.width - 24, box.y + box.height / 2);
}

/**
 * Clicks the button with this accessible name where it is drawn, as a person would; found
 * through the accessibility tree, which closed shadow roots are part of.
 */
export async function clickAccessibleButton(page: Page, name: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    let quad: number[] | undefined;
    await waitFor(async () => {
      const { root } = (await cdp.send('DOM.getDocument', { depth: 0 })) as {
        root: { nodeId: number };
      };
      const { nodes } = (await cdp.send('Accessibility.queryAXTree', {
        nodeId: root.nodeId,
        accessibleName: name,
        role: 'button',
      })) as { nodes: { backendDOMNodeId?: number }[] };
      const backendNodeId = nodes[0]?.backendDOMNodeId;
      if (backendNodeId === undefined) return false;
      const { model } = (await cdp.send('DOM.getBoxModel', { backendNodeId })) as {
        model: { border: number[] };
      };
      quad = model.border;
      return true;
    }, `a button named ${name}`);
    const [x1 = 0, y1 = 0, , , x3 = 0, y3 = 0] = quad ?? [];
    await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
  } finally {
    await cdp.detach();
  }
}

/** The editor frame, once its form is ready. */
export async function editorFrame(page: Page): Promise<Frame> {
  let frame: Frame | undefined;
  await waitFor(() => {
    frame = page.frames().find((f) => f.url().includes('/editor.html') && !f.isDetached());
    return frame !== undefined;
  }, 'the editor frame');
  const editor = frame as Frame;
  await editor.getByRole('heading').first().waitFor();
  const textbox = editor.getByRole('textbox', { name: 'Suggestion' });
  if ((await textbox.count()) > 0) {
    // A person starts typing once the caret is in the text box.
    await waitFor(
      () => textbox.evaluate((el) => el === document.activeElement && document.hasFocus()),
      'focus in the editor',
    );
  }
  return editor;
}

/** Buttons with an accessible name, as assistive technology finds them (closed shadow roots too). */
export async function accessibleButtons(page: Page, name: string): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: 0 })) as {
      root: { nodeId: number };
    };
    const { nodes } = (await cdp.send('Accessibility.queryAXTree', {
      nodeId: root.nodeId,
      accessibleName: name,
      role: 'button',
    })) as { nodes: unknown[] };
    return nodes.length;
  } finally {
    await cdp.detach();
  }
}

/** The texts of the accessibility tree: what a screen reader reaches, closed shadow roots too. */
export async function accessibleTexts(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree', {})) as {
      nodes: { ignored?: boolean; name?: { value?: unknown } }[];
    };
    return nodes
      .filter((node) => !node.ignored && typeof node.name?.value === 'string')
      .map((node) => String(node.name?.value));
  } finally {
    await cdp.detach();
  }
}

/**
 * Where the page's first mark is drawn, and how many there are, read as the page itself can
 * read them: from the CSS highlight registry (where the marks are, never what they say).
 */
export async function markCentre(page: Page): Promise<{ x: number; y: number; count: number }> {
  await waitFor(
    () => page.evaluate(() => (CSS.highlights.get('flywheel')?.size ?? 0) > 0),
    'a mark on the page',
  );
  return page.evaluate(() => {
    const marks = [...(CSS.highlights.get('flywheel') as unknown as Set<Range>)];
    const box = (marks[0] as Range).getBoundingClientRect();
    return { x: box.left + box.width / 2, y: box.top + box.height / 2, count: marks.length };
  });
}
