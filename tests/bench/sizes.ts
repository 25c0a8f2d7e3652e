import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One built file's cost: bytes on disk and gzip -9 bytes (a proxy for parse and memory cost). */
export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

/** An extension page or worker with everything it loads before it runs. */
export interface BundleSize {
  name: string;
  entry: string;
  files: FileSize[];
  raw: number;
  gzip: number;
  /** Chunks only loaded by `import()`, not counted in the totals. */
  lazyFiles: string[];
}

export interface ExtensionSizes {
  /** Every file a page receives from Flywheel: content-script.js. */
  injected: FileSize[];
  /**
   * Files the background injects only into pages that need them: anchoring-fuzzy.js, the
   * edited steps of anchoring, on a page where a quote is not found verbatim.
   */
  onDemand: FileSize[];
  bundles: BundleSize[];
}

/** The content script budget from DESIGN.md: 12 KB gzip. */
export const CONTENT_SCRIPT_BUDGET_GZIP = 12 * 1024;

/** The edited steps of anchoring, injected only where a quote is not found verbatim. */
export const EDITED_ANCHORING_FILE = 'anchoring-fuzzy.js';
/** Its budget, set with the split (DESIGN.md has none): about twice its 3.1 KB gzip then, so
 * that growth is seen; a page that needs it gets both files. */
export const EDITED_ANCHORING_BUDGET_GZIP = 6 * 1024;

/** Names that only the Dexie library defines; any of them in a bundle means Dexie came along. */
const DEXIE_MARKERS = [/\bDexie\b/, /DexieError/, /__dbnames/, /\bIDBKeyRange\b/];

export function dexieMarkersIn(code: string): string[] {
  return DEXIE_MARKERS.filter((marker) => marker.test(code)).map((marker) => marker.source);
}

async function fileSize(root: string, file: string): Promise<FileSize> {
  const code = await readFile(join(root, file));
  return { file, raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

// Static imports as the bundler writes them: `import{a}from"./x.js"`, `import"./x.js"`.
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+\.js)["']\s*\)/g;

function resolveFrom(file: string, specifier: string): string {
  if (specifier.startsWith('/')) return specifier.slice(1);
  return posix.normalize(posix.join(posix.dirname(file), specifier));
}

/** Follows an entry's static imports through the chunks; `import()` targets are listed apart. */
async function closure(root: string, entries: string[]) {
  const seen = new Set<string>();
  const lazy = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file) || !existsSync(join(root, file))) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const code = await readFile(join(root, file), 'utf8');
    for (const match of code.matchAll(STATIC_IMPORT)) {
      queue.push(resolveFrom(file, match[1] as string));
    }
    for (const match of code.matchAll(DYNAMIC_IMPORT)) {
      lazy.add(resolveFrom(file, match[1] as string));
    }
  }
  return { files: [...seen], lazy: [...lazy].filter((file) => !seen.has(file)) };
}

async function bundleOf(root: string, name: string, entry: string, starts: string[]) {
  const { files, lazy } = await closure(root, starts);
  const sizes = await Promise.all(files.map((file) => fileSize(root, file)));
  return {
    name,
    entry,
    files: sizes,
    raw: sizes.reduce((sum, f) => sum + f.raw, 0),
    gzip: sizes.reduce((sum, f) => sum + f.gzip, 0),
    lazyFiles: lazy,
  } satisfies BundleSize;
}

/** Scripts, module preloads and style sheets an HTML entry loads. */
function htmlDependencies(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    const tag = match[0];
    const isStylesheet = /rel=["']?stylesheet/.test(tag);
    const isPreload = /rel=["']?modulepreload/.test(tag);
    const src = /\bsrc=["']([^"']+)["']/.exec(tag)?.[1];
    const href = /\bhref=["']([^"']+)["']/.exec(tag)?.[1];
    if (tag.startsWith('<script') && src) found.push(src);
    else if ((isStylesheet || isPreload) && href) found.push(href);
  }
  return found.map((path) => path.replace(/^\//, ''));
}

/** Measures a built extension folder (e.g. `.output/e2e/chrome-mv3`). */
export async function measureExtensionSizes(extensionDir: string): Promise<ExtensionSizes> {
  // What a page is given: the content script, registered at run time (no CSS: its styles are
  // inside it, in its shadow roots).
  const injected = [await fileSize(extensionDir, 'content-script.js')];
  const onDemand = [await fileSize(extensionDir, EDITED_ANCHORING_FILE)];

  const bundles: BundleSize[] = [];
  const pages = (await readdir(extensionDir)).filter((file) => file.endsWith('.html')).sort();
  for (const page of pages) {
    const html = await readFile(join(extensionDir, page), 'utf8');
    bundles.push(
      await bundleOf(extensionDir, page.replace(/\.html$/, ''), page, [
        page,
        ...htmlDependencies(html),
      ]),
    );
  }
  const manifest = JSON.parse(await readFile(join(extensionDir, 'manifest.json'), 'utf8')) as {
    background?: { service_worker?: string };
  };
  const worker = manifest.background?.service_worker;
  if (worker) bundles.push(await bundleOf(extensionDir, 'background', worker, [worker]));
  return { injected, onDemand, bundles };
}

export function contentScriptOf(sizes: ExtensionSizes): FileSize | undefined {
  return sizes.injected.find((f) => f.file === 'content-script.js');
}

export function editedAnchoringOf(sizes: ExtensionSizes): FileSize | undefined {
  return sizes.onDemand.find((f) => f.file === EDITED_ANCHORING_FILE);
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
