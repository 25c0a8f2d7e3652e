/// <reference types="chrome" />
// The voice loop's budgets (issue 10), in Debian's Chromium with the benchmark build of the
// extension and the reference endpoint (in-memory PGlite) behind a loopback proxy that counts
// and can delay the page listings (listing-proxy.ts):
// - what the highlights of 50 colleagues' suggestions add to style, layout and paint on the
//   10,000-element page (trace thread time, paired against the same page with none);
// - that the load event does not wait on a slow endpoint, and when the highlights show then;
// - how many listing requests a page view costs the endpoint;
// - trusted click on a highlight (or `Open this suggestion`) to the card's text on screen;
// - keystroke to the `Similar suggestions` list with 1,000 suggestions on the site.
// Each `bench*` export runs on its own (run-module.ts): `node --import tsx
// tests/bench/run-module.ts voice.ts benchVoiceCard`; `npm run bench` builds first and runs all.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext, CDPSession, Frame, Page } from 'playwright-core';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import type { Selector } from '../../utils/anchoring';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
} from '../../utils/protocol/annotation';
import { createSimilarIndex } from '../../utils/ui/similar';
import {
  clickAccessibleButton,
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from '../e2e/support/browser';
import { REPO_ROOT } from '../e2e/support/paths';
import { largeIntranetPage } from './large-page';
import { type ListingProxy, type ListingRequest, startListingProxy } from './listing-proxy';
import { BENCH_EXTENSION_DIR, buildForBench } from './setup';
import { siteSuggestions } from './similar';
import { round, sleep, spread } from './stats';

/** `npm run bench -- --quick` sets this for the modules it runs. */
const quick = process.env.FLYWHEEL_BENCH_QUICK === '1';
const MARKED = 50;
const SLOW_LISTING_MS = 3_000;
export const VOICE_BUDGETS = {
  highlightsMs: 10,
  cardOpenMs: 150,
  similarListMs: 200,
} as const;

// ---------------------------------------------------------------------------------------------
// The rig: static site, endpoint, proxy, browser with the endpoint configured.

interface Rig {
  site: StaticServer;
  server: RunningServer;
  proxy: ListingProxy;
  browser: ExtensionBrowser;
  pageDir: string;
  close: () => Promise<void>;
}

/** Another build to measure (e.g. of another commit), instead of the benchmark's own. */
const EXTENSION_DIR = process.env.FLYWHEEL_BENCH_EXTENSION_DIR || BENCH_EXTENSION_DIR;

async function startRig(): Promise<Rig> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) buildForBench();
  const pageDir = await mkdtemp(join(tmpdir(), 'flywheel-bench-voice-'));
  const site = await startStaticServer({ '/bench/': pageDir });
  const server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
  const proxy = await startListingProxy(server.containerUrl);
  const browser = await launchWithExtension({ extensionDir: EXTENSION_DIR });
  const options = await browser.context.newPage();
  await options.goto(browser.extensionUrl('options.html'));
  await options.getByRole('textbox', { name: 'Endpoint URL' }).fill(proxy.containerUrl);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await options.close();
  return {
    site,
    server,
    proxy,
    browser,
    pageDir,
    close: async () => {
      // A wedged browser must not keep the figures from being reported.
      await within(browser.close(), 20_000, undefined);
      await proxy.close();
      await server.close();
      await server.database.close();
      await site.close();
      await rm(pageDir, { recursive: true, force: true });
    },
  };
}

async function writePage(rig: Rig, path: string, html: string): Promise<string> {
  const file = join(rig.pageDir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, html);
  return rig.site.url(`/bench/${path}`);
}

interface Seed {
  pageUrl: string;
  text: string;
  selectors: Selector[];
  name?: string;
}

/** Colleagues' suggestions, posted straight to the endpoint as their browsers would. */
async function seed(server: RunningServer, items: Seed[]): Promise<void> {
  const queue = [...items];
  // Four at a time: the endpoint's database takes one write at a time anyway.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await seedOne(server, item);
    }),
  );
}

async function seedOne(server: RunningServer, item: Seed): Promise<void> {
  const response = await fetch(server.containerUrl, {
    method: 'POST',
    headers: {
      'Content-Type': ANNOTATION_MEDIA_TYPE,
      'Idempotency-Key': crypto.randomUUID(),
      [AUTHOR_SECRET_HEADER]: randomBytes(32).toString('base64url'),
    },
    body: JSON.stringify({
      '@context': ANNOTATION_CONTEXT,
      type: 'Annotation',
      motivation: 'editing',
      body: [{ type: 'TextualBody', value: item.text, format: 'text/plain', purpose: 'editing' }],
      target: { source: item.pageUrl, selector: item.selectors },
      category: 'simplify',
      ...(item.name ? { creator: { type: 'Person', name: item.name } } : { anonymous: true }),
    }),
  });
  if (response.status !== 201) {
    throw new Error(`Seeding a suggestion: the endpoint answered ${response.status}`);
  }
}

interface Passage {
  exact: string;
  selectors: Selector[];
}

/**
 * 50 passages spread over the large page (the sentence of every sixth numbered step), with
 * the selectors the extension itself writes (`describe` of utils/anchoring, bundled).
 */
async function largePagePassages(context: BrowserContext, url: string): Promise<Passage[]> {
  const bundle = await build({
    entryPoints: [join(REPO_ROOT, 'utils/anchoring/index.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'flywheelAnchoring',
    write: false,
  });
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
    return (await page.evaluate(`(() => {
      const api = globalThis.flywheelAnchoring;
      const steps = [...document.querySelectorAll('main ol > li')];
      const every = Math.floor(steps.length / ${MARKED});
      return steps.filter((_, i) => i % every === 0).slice(0, ${MARKED}).map((li) => {
        const node = li.childNodes[1];
        const text = node.textContent;
        const range = document.createRange();
        range.setStart(node, text.length - text.trimStart().length);
        range.setEnd(node, text.trimEnd().length);
        return { exact: range.toString(), selectors: api.describe(range) };
      });
    })()`)) as Passage[];
  } finally {
    await page.close();
  }
}

const NAMES = ['Alex Visser', 'Sam de Vries', 'Noor Bakker', 'Kim Jansen', undefined];
const passageSeeds = (pageUrl: string, passages: Passage[]): Seed[] =>
  passages.map((passage, i) => ({
    pageUrl,
    text: `Colleague suggestion ${i + 1}: merge this step with the next one`,
    selectors: passage.selectors,
    name: NAMES[i % NAMES.length],
  }));

/** Progress on stderr when FLYWHEEL_BENCH_VERBOSE is set (stderr is the error on a failure). */
const trace = (line: string) => {
  if (process.env.FLYWHEEL_BENCH_VERBOSE) console.error(`[voice] ${line}`);
};

/** A browser call that may never settle (a frame going away mid-call) gets `fallback` instead. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([
    promise.catch(() => fallback),
    new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms)),
  ]);
}

/** Rejects with `what` if `promise` takes longer than `ms`: a hang becomes a clear failure. */
async function deadline<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what()} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const markCount = (page: Page) =>
  page.evaluate(() => CSS.highlights.get('flywheel')?.size ?? 0).catch(() => 0);

// ---------------------------------------------------------------------------------------------
// 1. Highlights: style, layout and paint they add, in the trace's thread time.

interface TraceEvent {
  ph: string;
  ts: number;
  dur?: number;
  tts?: number;
  tdur?: number;
  tid: number;
  pid: number;
  name: string;
  args?: { data?: { url?: string }; beginData?: { url?: string }; name?: string };
}

async function readTrace(cdp: CDPSession): Promise<TraceEvent[]> {
  const complete = new Promise<string>((resolve) => {
    cdp.once('Tracing.tracingComplete', (event) => resolve(event.stream ?? ''));
  });
  await cdp.send('Tracing.end');
  const stream = await complete;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
}

/** The timeline events counted, by the figure they go into. */
const RENDERING_EVENTS = {
  style: ['UpdateLayoutTree', 'RecalcStyle'],
  layout: ['Layout'],
  paint: ['Paint'],
  prePaint: ['PrePaint'],
  layerize: ['Layerize', 'UpdateLayer', 'UpdateLayerTree'],
} as const;
type RenderingKind = keyof typeof RENDERING_EVENTS;
/** The budget's figure: style, layout and paint (nested events counted once). */
const BUDGET_KINDS: RenderingKind[] = ['style', 'layout', 'paint'];
const BUDGET_NAMES = new Set<string>(BUDGET_KINDS.flatMap((k) => RENDERING_EVENTS[k]));
const SCRIPT_EVENTS = new Set([
  'EvaluateScript',
  'FunctionCall',
  'TimerFire',
  'FireIdleCallback',
  'FireAnimationFrame',
  'RunMicrotasks',
  'EventDispatch',
  'v8.run',
]);

interface RenderingSample {
  /** Per kind, ms of thread time (union of the events' intervals). */
  kinds: Record<RenderingKind, number>;
  styleLayoutPaint: number;
  /** The part of it forced synchronously by scripts (inside a script or callback event). */
  styleLayoutPaintInScripts: number;
  /** The longest single style, layout or paint event. */
  longestMs: number;
  /** The same plus PrePaint and layerizing. */
  allRendering: number;
  /** Whether the events carried thread time (`tts`/`tdur`); else wall time was used. */
  threadTime: boolean;
  /** Navigation start → the marks were seen in the page (polled), or null. */
  marksSeenMs: number | null;
  loadEventMs: number;
}

function unionMs(intervals: [number, number][]): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [s, e] of intervals) {
    if (s > end) {
      if (end > start) total += end - start;
      [start, end] = [s, e];
    } else if (e > end) end = e;
  }
  if (end > start) total += end - start;
  return total / 1000;
}

/** Rendering events of the page's renderer main thread, in thread time where the trace has it. */
function renderingTime(events: TraceEvent[], pageUrl: string) {
  const parse = events.find(
    (e) => e.name === 'ParseHTML' && e.args?.beginData?.url?.startsWith(pageUrl),
  );
  if (!parse) throw new Error(`No ParseHTML of ${pageUrl} in the trace`);
  const main = events.find(
    (e) =>
      e.ph === 'M' &&
      e.name === 'thread_name' &&
      e.pid === parse.pid &&
      e.args?.name === 'CrRendererMain',
  );
  const tid = main?.tid ?? parse.tid;
  const mine = events.filter(
    (e) => e.ph === 'X' && e.pid === parse.pid && e.tid === tid && e.dur !== undefined,
  );
  const threadTime = mine.some((e) => e.tdur !== undefined);
  const interval = (e: TraceEvent): [number, number] =>
    threadTime && e.tts !== undefined && e.tdur !== undefined
      ? [e.tts, e.tts + e.tdur]
      : [e.ts, e.ts + (e.dur ?? 0)];
  // Script and callback events (wall-clock spans) that a forced style or layout sits inside.
  const scripts = mine
    .filter((e) => SCRIPT_EVENTS.has(e.name))
    .map((e): [number, number] => [e.ts, e.ts + (e.dur ?? 0)]);
  const insideScript = (e: TraceEvent) =>
    scripts.some(([start, end]) => e.ts >= start && e.ts + (e.dur ?? 0) <= end);
  const of = (kinds: readonly RenderingKind[]) => {
    const names = new Set<string>(kinds.flatMap((k) => RENDERING_EVENTS[k]));
    return mine.filter((e) => names.has(e.name)).map(interval);
  };
  const kinds = Object.fromEntries(
    (Object.keys(RENDERING_EVENTS) as RenderingKind[]).map((k) => [k, unionMs(of([k]))]),
  ) as Record<RenderingKind, number>;
  return {
    kinds,
    styleLayoutPaint: unionMs(of(BUDGET_KINDS)),
    styleLayoutPaintInScripts: unionMs(
      mine.filter((e) => BUDGET_NAMES.has(e.name) && insideScript(e)).map(interval),
    ),
    longestMs:
      Math.max(
        0,
        ...mine
          .filter((e) => BUDGET_NAMES.has(e.name))
          .map((e) => (threadTime ? (e.tdur ?? 0) : (e.dur ?? 0))),
      ) / 1000,
    allRendering: unionMs(of(Object.keys(RENDERING_EVENTS) as RenderingKind[])),
    threadTime,
  };
}

/**
 * One traced load in a fresh tab: the trace runs from before navigating until `windowMs` after
 * the load event in every variant alike, so both hold the marks' first paint (if any).
 */
async function tracedLoad(
  context: BrowserContext,
  url: string,
  expectMarks: number,
  windowMs: number,
): Promise<RenderingSample> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Tracing.start', {
      traceConfig: { includedCategories: ['devtools.timeline'] },
      transferMode: 'ReturnAsStream',
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('[data-flywheel-ui="launcher"]').waitFor({ state: 'attached' });
    const loadEventMs = await page.evaluate(
      () =>
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
          .loadEventStart,
    );
    let marksSeenMs: number | null = null;
    const until = performance.now() + windowMs;
    // The same polling in both variants: a small evaluate every 100 ms.
    while (performance.now() < until) {
      const seen = await page.evaluate(() => ({
        size: CSS.highlights.get('flywheel')?.size ?? 0,
        at: performance.now(),
      }));
      if (marksSeenMs === null && expectMarks > 0 && seen.size >= expectMarks) {
        marksSeenMs = seen.at;
      }
      await sleep(100);
    }
    const events = await readTrace(cdp);
    return { ...renderingTime(events, url), marksSeenMs, loadEventMs };
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

// Plain JavaScript run in an unconfigured copy of the page: one of the highlighter's two steps
// (its style sheet adopted by the document, or 50 ranges in the registry) with the rule it uses.
const HIGHLIGHT_STEP = `async (step) => {
  const css = '::highlight(flywheel) { background-color: rgb(250 204 21 / 0.4); text-decoration: underline 2px rgb(180 83 9); }';
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  await frame();
  if (step === 'sheet') {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } else {
    const steps = [...document.querySelectorAll('main ol > li')];
    const every = Math.floor(steps.length / ${MARKED});
    const ranges = steps.filter((_, i) => i % every === 0).slice(0, ${MARKED}).map((li) => {
      const range = document.createRange();
      range.selectNodeContents(li.childNodes[1]);
      return range;
    });
    CSS.highlights.set('probe', new Highlight(...ranges));
  }
  await frame();
  await frame();
  await frame();
}`;

/**
 * Where the highlights' cost goes: each step alone in a settled, unconfigured copy of the page
 * (no content script), traced from just before it to three frames after.
 */
async function highlightSteps(context: BrowserContext, url: string, repeats: number) {
  const figures: Record<'sheet' | 'ranges', { style: number[]; paint: number[] }> = {
    sheet: { style: [], paint: [] },
    ranges: { style: [], paint: [] },
  };
  for (let i = 0; i < repeats; i++) {
    for (const step of ['sheet', 'ranges'] as const) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      try {
        await page.goto(url, { waitUntil: 'load' });
        await sleep(300);
        const run = await page.evaluateHandle(HIGHLIGHT_STEP);
        await cdp.send('Tracing.start', {
          traceConfig: { includedCategories: ['devtools.timeline'] },
          transferMode: 'ReturnAsStream',
        });
        await run.evaluate((fn, name) => (fn as (s: string) => Promise<void>)(name), step);
        const events = await readTrace(cdp);
        const thread = (names: string[]) =>
          events
            .filter((e) => e.ph === 'X' && names.includes(e.name))
            .reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0), 0) / 1000;
        figures[step].style.push(thread(['UpdateLayoutTree', 'RecalcStyle']));
        figures[step].paint.push(thread(['Paint', 'PrePaint']));
      } finally {
        await cdp.detach().catch(() => {});
        await page.close();
      }
    }
  }
  return {
    adoptedSheetStyleMs: spread(figures.sheet.style),
    adoptedSheetPaintMs: spread(figures.sheet.paint),
    rangesStyleMs: spread(figures.ranges.style),
    rangesPaintMs: spread(figures.ranges.paint),
  };
}

/**
 * Highlights of 50 colleagues' suggestions on the 10,000-element page against the same page
 * with none, loaded alternately (the order swaps each round, one warm-up round thrown away).
 */
export async function benchVoiceHighlights(rounds = quick ? 4 : 8, windowMs = 4_000) {
  const rig = await startRig();
  try {
    const html = largeIntranetPage();
    const marked = await writePage(rig, 'voice/large-50.html', html);
    const empty = await writePage(rig, 'voice/large-0.html', html);
    const passages = await largePagePassages(
      rig.browser.context,
      rig.site.otherSiteUrl('/bench/voice/large-50.html'),
    );
    await seed(rig.server, passageSeeds(marked, passages));
    const samples = { marked: [] as RenderingSample[], empty: [] as RenderingSample[] };
    for (let r = -1; r < rounds; r++) {
      const order = r % 2 === 0 ? (['marked', 'empty'] as const) : (['empty', 'marked'] as const);
      for (const variant of order) {
        const sample = await tracedLoad(
          rig.browser.context,
          variant === 'marked' ? marked : empty,
          variant === 'marked' ? MARKED : 0,
          windowMs,
        );
        if (r >= 0) samples[variant].push(sample);
      }
    }
    const paired = (pick: (s: RenderingSample) => number) =>
      spread(samples.marked.map((s, i) => pick(s) - pick(samples.empty[i] as RenderingSample)));
    const each = (pick: (s: RenderingSample) => number) => ({
      marked: spread(samples.marked.map(pick)),
      empty: spread(samples.empty.map(pick)),
      added: paired(pick),
    });
    const added = paired((s) => s.styleLayoutPaint);
    const steps = await highlightSteps(
      rig.browser.context,
      rig.site.otherSiteUrl('/bench/voice/large-0.html'),
      quick ? 2 : 3,
    );
    const seen = samples.marked.flatMap((s) => (s.marksSeenMs === null ? [] : [s.marksSeenMs]));
    return {
      rounds,
      elements: 'the 10,000-element page of tests/bench/large-page.ts',
      suggestionsMarked: MARKED,
      passagesFound: passages.length,
      clock: samples.marked.every((s) => s.threadTime) ? 'thread time (tdur)' : 'wall time (dur)',
      traceWindow: `navigation → ${windowMs} ms after the load event`,
      marksSeen: `${seen.length}/${samples.marked.length} loads`,
      marksSeenAfterNavigationMs: spread(seen),
      styleLayoutPaintMs: each((s) => s.styleLayoutPaint),
      styleLayoutPaintForcedByScriptsMs: each((s) => s.styleLayoutPaintInScripts),
      longestStyleLayoutPaintEventMs: each((s) => s.longestMs),
      styleMs: each((s) => s.kinds.style),
      layoutMs: each((s) => s.kinds.layout),
      paintMs: each((s) => s.kinds.paint),
      prePaintMs: each((s) => s.kinds.prePaint),
      layerizeMs: each((s) => s.kinds.layerize),
      allRenderingMs: each((s) => s.allRendering),
      stepsAlone: steps,
      loadAverage: loadavg().map((value) => round(value, 1)),
      budget: `<= ${VOICE_BUDGETS.highlightsMs} ms of style, layout and paint added (median of paired differences)`,
      budgetMet:
        seen.length === samples.marked.length && added.median <= VOICE_BUDGETS.highlightsMs,
    };
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 1b and 2. The endpoint: a slow listing does not hold up the load event; requests per view.

// Runs in the page before its scripts: when the marks first show, on the wall clock.
const MARKS_WATCH = `(() => {
  const w = window;
  const timer = setInterval(() => {
    if ((CSS.highlights.get('flywheel')?.size ?? 0) >= ${MARKED}) {
      w.__benchMarksAt = performance.timeOrigin + performance.now();
      clearInterval(timer);
    }
  }, 10);
})();`;

interface View {
  loadEventMs: number;
  /** Wall clock of navigation start (the page's timeOrigin). */
  timeOrigin: number;
  marksAt: number | null;
  listings: ListingRequest[];
}

/** A view of `url` (a fresh tab, or a reload of `page`), until the marks show or time is up. */
async function view(
  rig: Rig,
  url: string,
  page: Page | undefined,
  waitMs: number,
  quietMs = 1_000,
): Promise<{ page: Page; view: View }> {
  const from = rig.proxy.listings.length;
  let tab = page;
  if (tab) await tab.reload({ waitUntil: 'load' });
  else {
    tab = await rig.browser.context.newPage();
    await tab.addInitScript(MARKS_WATCH);
    await tab.goto(url, { waitUntil: 'load' });
  }
  const current = tab;
  const timing = await current.evaluate(() => ({
    load: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
      .loadEventStart,
    origin: performance.timeOrigin,
  }));
  const deadline = Date.now() + waitMs;
  let marksAt: number | null = null;
  while (Date.now() < deadline) {
    marksAt = await current.evaluate(
      () => (window as unknown as { __benchMarksAt?: number }).__benchMarksAt ?? null,
    );
    if (marksAt !== null) break;
    await sleep(50);
  }
  // The view's listing requests answered (a slow endpoint's too), then a quiet time in which
  // anything else this view asks of the endpoint would come.
  await waitFor(
    () =>
      rig.proxy.listings
        .slice(from)
        .every((l) => l.target !== url || Number.isFinite(l.answeredAt)),
    'the listing answers',
    SLOW_LISTING_MS + 5_000,
  );
  await sleep(quietMs);
  const listings = rig.proxy.listings.slice(from).filter((l) => l.target === url);
  return {
    page: current,
    view: { loadEventMs: timing.load, timeOrigin: timing.origin, marksAt, listings },
  };
}

const describeView = (v: View) =>
  v.listings.map((l) => `${l.ifNoneMatch ? 'If-None-Match' : 'full'} → ${l.status}`).join(', ') ||
  'none';

/**
 * The page's load event with an endpoint that answers listings after 3 s, paired with one
 * that answers at once (fresh pages, nothing kept); when the marks show on a slow first view
 * and on the view after it; and the listing requests each view costs the endpoint.
 */
export async function benchVoiceEndpoint(rounds = quick ? 3 : 5, reloads = quick ? 3 : 5) {
  const rig = await startRig();
  try {
    const html = largeIntranetPage();
    await writePage(rig, 'voice/template.html', html);
    const passages = await largePagePassages(
      rig.browser.context,
      rig.site.otherSiteUrl('/bench/voice/template.html'),
    );
    const fresh = async (name: string) => {
      const url = await writePage(rig, `voice/${name}.html`, html);
      await seed(rig.server, passageSeeds(url, passages));
      return url;
    };

    // Requests per view: a first view, then reloads, at the endpoint's normal speed.
    rig.proxy.setListingDelay(0);
    const viewsUrl = await fresh('views');
    const views: View[] = [];
    let tab: Page | undefined;
    for (let i = 0; i <= reloads; i++) {
      const result = await view(rig, viewsUrl, tab, 8_000, 1_500);
      tab = result.page;
      views.push(result.view);
    }
    await tab?.close();
    const firstOk =
      views[0]?.listings.length === 1 &&
      views[0].listings[0]?.ifNoneMatch === false &&
      views[0].listings[0]?.status === 200;
    const reloadsOk = views
      .slice(1)
      .every(
        (v) =>
          v.listings.length === 1 && v.listings[0]?.ifNoneMatch && v.listings[0].status === 304,
      );

    // A slow endpoint against a prompt one, alternated; fresh pages so that nothing is kept.
    const prompt: View[] = [];
    const slow: View[] = [];
    const slowAgain: View[] = [];
    for (let r = -1; r < rounds; r++) {
      const order = r % 2 === 0 ? (['prompt', 'slow'] as const) : (['slow', 'prompt'] as const);
      for (const kind of order) {
        const url = await fresh(`${kind}-${r + 1}`);
        rig.proxy.setListingDelay(kind === 'slow' ? SLOW_LISTING_MS : 0);
        const first = await view(rig, url, undefined, SLOW_LISTING_MS + 4_000, 500);
        if (kind === 'slow') {
          // The next view of the same page: the listing is kept, the endpoint still slow.
          const again = await view(rig, url, first.page, SLOW_LISTING_MS + 4_000, 500);
          if (r >= 0) slowAgain.push(again.view);
        }
        await first.page.close();
        if (r >= 0) (kind === 'slow' ? slow : prompt).push(first.view);
      }
    }
    rig.proxy.setListingDelay(0);
    const answerAfterLoad = (v: View) =>
      (v.listings[0]?.answeredAt ?? Number.NaN) - v.timeOrigin - v.loadEventMs;
    const marksAfterLoad = (v: View) =>
      v.marksAt === null ? Number.NaN : v.marksAt - v.timeOrigin - v.loadEventMs;
    const marksAfterAnswer = (v: View) =>
      v.marksAt === null ? Number.NaN : v.marksAt - (v.listings[0]?.answeredAt ?? Number.NaN);
    const askedAfterNavigation = (v: View) =>
      (v.listings[0]?.receivedAt ?? Number.NaN) - v.timeOrigin;
    const shown = (list: View[]) =>
      `${list.filter((v) => v.marksAt !== null).length}/${list.length}`;
    const loadDifference = spread(
      slow.map((v, i) => v.loadEventMs - (prompt[i]?.loadEventMs ?? 0)),
    );
    return {
      requestsPerView: {
        views: views.length,
        perView: views.map(describeView).join('; '),
        firstViewOneFullRequest: firstOk,
        reloadsOneConditional304: reloadsOk,
        budgetMet: firstOk && reloadsOk,
      },
      slowEndpoint: {
        rounds,
        listingHeldBackMs: SLOW_LISTING_MS,
        loadEventPromptMs: spread(prompt.map((v) => v.loadEventMs)),
        loadEventSlowMs: spread(slow.map((v) => v.loadEventMs)),
        loadEventSlowMinusPromptMs: loadDifference,
        // Asked after the load event, answered 3 s later: the load event cannot have waited.
        slowListingAskedAfterLoadEvent: `${slow.filter((v) => askedAfterNavigation(v) > v.loadEventMs).length}/${slow.length}`,
        promptListingAskedAfterNavigationMs: spread(prompt.map(askedAfterNavigation)),
        slowListingAskedAfterNavigationMs: spread(slow.map(askedAfterNavigation)),
        perViewLoadEventMs: {
          prompt: prompt.map((v) => round(v.loadEventMs, 0)).join(', '),
          slow: slow.map((v) => round(v.loadEventMs, 0)).join(', '),
        },
        promptMarksShown: shown(prompt),
        promptMarksAfterLoadMs: spread(prompt.map(marksAfterLoad)),
        slowAnswerAfterLoadMs: spread(slow.map(answerAfterLoad)),
        slowFirstViewMarksShown: shown(slow),
        slowFirstViewMarksAfterAnswerMs: spread(slow.map(marksAfterAnswer)),
        slowNextViewMarksShown: shown(slowAgain),
        slowNextViewMarksAfterLoadMs: spread(slowAgain.map(marksAfterLoad)),
        slowNextViewAnswerAfterLoadMs: spread(slowAgain.map(answerAfterLoad)),
      },
      loadAverage: loadavg().map((value) => round(value, 1)),
    };
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. A card opens: trusted click to the card's text on screen in the extension frame.

interface CardWindow {
  __benchClicks?: number[];
  __benchTextAt?: number;
  __benchFrameAt?: number;
  __benchPaintedAt?: number;
}

// In the page and in every frame, before their scripts. Times are `timeOrigin + …`, the wall
// clock at sub-millisecond resolution, comparable between the page and the extension frame.
const cardInstrument = (texts: string[]) => `(() => {
  const w = window;
  const now = () => performance.timeOrigin + performance.now();
  if (location.protocol === 'chrome-extension:') {
    const texts = ${JSON.stringify(texts)};
    const check = () => {
      if (w.__benchTextAt !== undefined || !document.body) return;
      const shown = document.body.textContent || '';
      if (!texts.some((text) => shown.includes(text))) return;
      w.__benchTextAt = now();
      // The frame that shows it: its animation frame callback runs just before it is drawn,
      // and a task queued from there runs once it has been.
      requestAnimationFrame(() => {
        w.__benchFrameAt = now();
        setTimeout(() => { w.__benchPaintedAt = now(); }, 0);
      });
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  } else {
    addEventListener('click', (event) => {
      if (!event.isTrusted) return;
      (w.__benchClicks = w.__benchClicks || []).push(performance.timeOrigin + event.timeStamp);
    }, true);
  }
})();`;

async function cardFrame(page: Page): Promise<Frame> {
  let frame: Frame | undefined;
  await waitFor(async () => {
    frame = page.frames().find((f) => f.url().includes('/editor.html') && !f.isDetached());
    if (!frame) return false;
    return within(
      frame.evaluate(() => (window as unknown as CardWindow).__benchPaintedAt !== undefined),
      2_000,
      false,
    );
  }, 'the card to show its text');
  return frame as Frame;
}

async function closeCard(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await waitFor(
    async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
    'the card to close',
  );
  // Closing asks for the page's marks again: let that settle before the next open.
  await sleep(500);
}

/** Clicks the i-th mark (document order) where it is drawn, as a person would. */
async function clickMark(page: Page, index: number): Promise<void> {
  await page.evaluate((i) => {
    const range = [...(CSS.highlights.get('flywheel') as unknown as Set<Range>)][i] as Range;
    const start = range.startContainer;
    (start instanceof Element ? start : start.parentElement)?.scrollIntoView({ block: 'center' });
  }, index);
  await sleep(100);
  const box = await page.evaluate((i) => {
    const range = [...(CSS.highlights.get('flywheel') as unknown as Set<Range>)][i] as Range;
    const rect = range.getClientRects()[0] as DOMRect;
    return { x: rect.left + Math.min(rect.width / 2, 40), y: rect.top + rect.height / 2 };
  }, index);
  await page.mouse.click(box.x, box.y);
}

async function openTimes(page: Page, open: () => Promise<void>) {
  await page.evaluate(() => {
    (window as unknown as CardWindow).__benchClicks = [];
  });
  await open();
  const frame = await cardFrame(page);
  trace('card text shown');
  const shown = await frame.evaluate(() => {
    const w = window as unknown as CardWindow;
    return {
      origin: performance.timeOrigin,
      text: w.__benchTextAt ?? 0,
      frame: w.__benchFrameAt ?? 0,
      painted: w.__benchPaintedAt ?? 0,
    };
  });
  const clicks = await page.evaluate(() => (window as unknown as CardWindow).__benchClicks ?? []);
  // The click that opened it: the last one before its text came.
  const click = clicks.filter((at) => at <= shown.text).at(-1);
  if (click === undefined) throw new Error('The card benchmark saw no trusted click');
  await closeCard(page);
  return {
    frameDocument: shown.origin - click,
    textInDom: shown.text - click,
    nextFrame: shown.frame - click,
    afterFrame: shown.painted - click,
  };
}

/**
 * Repeated opens of colleagues' cards on the 10,000-element page with 50 marks: by a trusted
 * click on a highlight, and by `Next suggestion` then `Open this suggestion` on the navigator.
 */
export async function benchVoiceCard(opens = quick ? 6 : 15) {
  const rig = await startRig();
  try {
    const url = await writePage(rig, 'voice/card.html', largeIntranetPage());
    const passages = await largePagePassages(
      rig.browser.context,
      rig.site.otherSiteUrl('/bench/voice/card.html'),
    );
    const seeds = passageSeeds(url, passages);
    await seed(rig.server, seeds);
    const page = await rig.browser.context.newPage();
    await page.addInitScript(cardInstrument(seeds.map((s) => s.text)));
    await page.goto(url);
    await waitFor(async () => (await markCount(page)) >= MARKED, 'the marks', 15_000);
    const byMark: Awaited<ReturnType<typeof openTimes>>[] = [];
    const byNavigator: Awaited<ReturnType<typeof openTimes>>[] = [];
    // One warm-up open of each kind, not counted.
    for (let i = -1; i < opens; i++) {
      trace(`open ${i + 1}/${opens}`);
      const mark = await deadline(
        openTimes(page, () => clickMark(page, (Math.max(i, 0) * 7) % MARKED)),
        30_000,
        () => `card open ${i + 1} from a highlight`,
      );
      const navigator = await deadline(
        openTimes(page, async () => {
          await clickAccessibleButton(page, 'Next suggestion');
          await clickAccessibleButton(page, 'Open this suggestion');
        }),
        30_000,
        () => `card open ${i + 1} from the navigator`,
      );
      if (i >= 0) {
        byMark.push(mark);
        byNavigator.push(navigator);
      }
    }
    await page.close();
    const figures = (list: typeof byMark) => ({
      frameDocumentStartedMs: spread(list.map((o) => o.frameDocument)),
      textInDomMs: spread(list.map((o) => o.textInDom)),
      nextFrameMs: spread(list.map((o) => o.nextFrame)),
      afterFrameMs: spread(list.map((o) => o.afterFrame)),
    });
    const mark = figures(byMark);
    const navigator = figures(byNavigator);
    return {
      opens,
      suggestionsMarked: MARKED,
      highlightClick: mark,
      navigatorOpen: navigator,
      loadAverage: loadavg().map((value) => round(value, 1)),
      budget: `<= ${VOICE_BUDGETS.cardOpenMs} ms from the click to the card's text drawn (median and p95)`,
      budgetMet:
        mark.afterFrameMs.p95 <= VOICE_BUDGETS.cardOpenMs &&
        navigator.afterFrameMs.p95 <= VOICE_BUDGETS.cardOpenMs,
    };
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Similar suggestions while writing, 1,000 on the site.

interface FixtureGroup {
  page: string;
  quote: string;
  drafts: { text: string }[];
}
/** The labelled near-duplicates (tests/fixtures/similar/): its drafts are what is typed. */
const fixtureGroups = () =>
  (
    JSON.parse(
      readFileSync(join(REPO_ROOT, 'tests/fixtures/similar/near-duplicates.json'), 'utf8'),
    ) as { groups: FixtureGroup[] }
  ).groups;

// In the editor frame, before its scripts: each keydown's time, and each change of what the
// list named "Similar suggestions" shows (it appearing, changing or going away).
const SIMILAR_INSTRUMENT = `(() => {
  if (location.protocol !== 'chrome-extension:') return;
  const w = window;
  const now = () => performance.timeOrigin + performance.now();
  w.__benchKeys = [];
  w.__benchListChanges = [];
  w.__benchWaiters = [];
  addEventListener('keydown', (event) => {
    w.__benchKeys.push(performance.timeOrigin + event.timeStamp);
  }, true);
  const nameOf = (el) => {
    const label = el.getAttribute('aria-label');
    if (label) return label.trim();
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join(' ');
  };
  let last = '';
  new MutationObserver(() => {
    const list = [...document.querySelectorAll('ul, ol, [role="list"]')]
      .find((el) => nameOf(el).toLowerCase() === 'similar suggestions');
    const shown = list ? 'list:' + (list.textContent || '') : '';
    if (shown === last) return;
    last = shown;
    w.__benchListChanges.push({ at: now(), items: list ? list.querySelectorAll('li, [role="listitem"]').length : 0 });
    const waiters = w.__benchWaiters;
    w.__benchWaiters = [];
    for (const wake of waiters) wake();
  }).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
})();`;

// Plain JavaScript, sent as text: the TypeScript loader wraps named functions in a helper
// that the frame does not have.
const NEXT_LIST_CHANGE = `(limit) => new Promise((resolve) => {
  const w = window;
  const keyAt = (w.__benchKeys || []).at(-1) ?? 0;
  const look = () => (w.__benchListChanges || []).find((c) => c.at >= keyAt) ?? null;
  const found = look();
  if (found) return resolve({ keyAt, change: found });
  const timer = setTimeout(() => resolve({ keyAt, change: null }), limit);
  w.__benchWaiters.push(() => {
    const change = look();
    if (!change) return;
    clearTimeout(timer);
    resolve({ keyAt, change });
  });
})`;

/** After a keystroke: the first change of the list after it, waiting at most `limitMs`. */
async function nextListChange(frame: Frame, limitMs: number) {
  const wait = await frame.evaluateHandle(NEXT_LIST_CHANGE);
  try {
    return (await wait.evaluate((fn, limit) => (fn as (l: number) => unknown)(limit), limitMs)) as {
      keyAt: number;
      change: { at: number; items: number } | null;
    };
  } finally {
    await wait.dispose();
  }
}

/**
 * Types near-duplicates of existing suggestions into the editor's `Suggestion` box, one key at
 * a time, with 1,000 suggestions on the site at the endpoint, and times each keystroke to the
 * next change of the `Similar suggestions` list. Reports "not measured" if there is no list.
 */
export async function benchVoiceSimilarList(drafts = quick ? 1 : 2, waitMs = 1_000) {
  const rig = await startRig();
  try {
    const candidates = siteSuggestions(1000);
    // Each page of the labelled set and of the generated suggestions becomes a page of the site.
    const local = new Map<string, string>();
    const localUrl = (pageUrl: string) => {
      let url = local.get(pageUrl);
      if (!url) {
        const slug = new URL(pageUrl).pathname.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
        url = rig.site.url(`/bench/site/${slug}.html`);
        local.set(pageUrl, url);
      }
      return url;
    };
    const seedStarted = performance.now();
    await seed(
      rig.server,
      candidates.map((c, i) => ({
        pageUrl: localUrl(c.pageUrl),
        text: c.text,
        selectors: [{ type: 'TextQuoteSelector', exact: c.quote }],
        name: NAMES[i % NAMES.length],
      })),
    );
    const seedingSeconds = (performance.now() - seedStarted) / 1000;
    // Every page of the site, with its quotes; each viewed once, as colleagues' pages are, so
    // the browser holds the site's listings (the editor may rank what it holds).
    const quotes = new Map<string, string[]>();
    for (const c of candidates) {
      const url = localUrl(c.pageUrl);
      quotes.set(url, [...new Set([...(quotes.get(url) ?? []), c.quote])]);
    }
    const text = (value: string) =>
      value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    for (const [url, list] of quotes) {
      const [first, ...rest] = list;
      await writePage(
        rig,
        new URL(url).pathname.replace(/^\/bench\//, ''),
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Procedure</title></head><body><main><h1>Procedure</h1><p id="quote">${text(first ?? '')}</p>${rest.map((q) => `<p>${text(q)}</p>`).join('')}<p>Ask the service desk if anything is unclear.</p></main></body></html>`,
      );
    }
    const visitStarted = performance.now();
    const toVisit = [...quotes.keys()];
    const visitOne = async (url: string) => {
      const tab = await rig.browser.context.newPage();
      try {
        await tab.goto(url);
        await waitFor(
          () => rig.proxy.listings.some((l) => l.target === url && Number.isFinite(l.answeredAt)),
          `the listing of ${url}`,
          20_000,
        );
      } finally {
        await tab.close();
      }
    };
    // A few tabs at a time.
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let url = toVisit.shift(); url; url = toVisit.shift()) await visitOne(url);
      }),
    );
    const visitSeconds = (performance.now() - visitStarted) / 1000;
    await sleep(500);
    const worker = await rig.browser.currentWorker();
    const kept = await worker.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('flywheel');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        const rows = await new Promise<{ items: unknown[] }[]>((resolve, reject) => {
          const request = db.transaction('pageListings').objectStore('pageListings').getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        return rows.reduce((sum, row) => sum + row.items.length, 0);
      } finally {
        db.close();
      }
    });
    // Drafts the pure ranking does offer something for: a list is expected there.
    const index = createSimilarIndex(candidates);
    // Drafts of 40 to 80 characters, from different pages, typed in full: those the ranking
    // offers the most for first (a list that changes as they are typed), then the shortest.
    const offersFor = (group: FixtureGroup, draft: string) =>
      index.similarTo(draft, {
        pageUrl: `https://intranet.example${group.page}`,
        quote: group.quote,
      }).length;
    const chosen = fixtureGroups()
      .flatMap((group) =>
        group.drafts.map((d) => ({ group, draft: d.text, offers: offersFor(group, d.text) })),
      )
      .filter(({ draft, offers }) => draft.length >= 40 && draft.length <= 80 && offers > 0)
      .sort((a, b) => b.offers - a.offers || a.draft.length - b.draft.length)
      .filter((d, i, all) => all.findIndex((o) => o.group === d.group) === i)
      .slice(0, drafts);
    const latencies: number[] = [];
    const firstShown: number[] = [];
    const rankingMs: number[] = [];
    let keystrokes = 0;
    let listSeen = false;
    let itemsShown = 0;
    for (const { group, draft } of chosen) {
      const pageUrl = `https://intranet.example${group.page}`;
      const url = localUrl(pageUrl);
      const page = await rig.browser.context.newPage();
      await page.addInitScript(SIMILAR_INSTRUMENT);
      await page.goto(url);
      await page.locator('[data-flywheel-ui="launcher"]').waitFor({ state: 'attached' });
      // The page's listing is asked after load; let it land (and be kept) before writing.
      await waitFor(
        () => rig.proxy.listings.some((l) => l.target === url),
        'the page listing',
        15_000,
      );
      await sleep(500);
      // The quote is marked (its suggestions are on this page), and a click on a mark opens
      // its card: a person drags across the passage instead.
      const box = await page.locator('#quote').boundingBox();
      if (!box) throw new Error('The quote is not on the page');
      await page.mouse.move(box.x + 1, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await clickLauncher(page);
      const frame = await editorFrame(page);
      let shownOnce = false;
      const keys = [...draft];
      for (const [i, key] of keys.entries()) {
        await page.keyboard.type(key);
        keystrokes++;
        const { keyAt, change } = await nextListChange(frame, waitMs);
        const started = performance.now();
        index.similarTo(keys.slice(0, i + 1).join(''), { pageUrl, quote: group.quote });
        rankingMs.push(performance.now() - started);
        if (change) {
          listSeen ||= change.items > 0;
          itemsShown = Math.max(itemsShown, change.items);
          latencies.push(change.at - keyAt);
          if (!shownOnce && change.items > 0) {
            shownOnce = true;
            firstShown.push(change.at - keyAt);
          }
          await sleep(50);
        }
      }
      if ((await frame.getByRole('list', { name: 'Similar suggestions' }).count()) > 0) {
        listSeen = true;
      }
      await page.close();
      // A whole draft that the ranking offers matches for, and no list: there is none to time.
      if (!listSeen) break;
    }
    const ranking = spread(rankingMs);
    const offered = chosen.map(
      ({ group, draft }) =>
        index.similarTo(draft, {
          pageUrl: `https://intranet.example${group.page}`,
          quote: group.quote,
        }).length,
    );
    const base = {
      suggestionsOnSite: candidates.length,
      pagesOnSite: local.size,
      pagesViewedFirstSeconds: round(visitSeconds, 1),
      suggestionsKeptInTheBrowser: kept,
      seedingSeconds: round(seedingSeconds, 1),
      drafts: chosen.map((c) => c.draft),
      keystrokes,
      /** What the ranking alone offers for each whole draft: a list is expected. */
      rankingOffersForDrafts: offered.join(', '),
      pureRankingInNodeMs: {
        median: round(ranking.median, 3),
        p95: round(ranking.p95, 3),
        max: round(ranking.max, 3),
      },
      loadAverage: loadavg().map((value) => round(value, 1)),
    };
    if (!listSeen) {
      return { ...base, measured: 'not measured: the editor shows no similar list' };
    }
    const updates = spread(latencies);
    return {
      ...base,
      measured: 'keystroke → list changed',
      keystrokesFollowedByAChange: latencies.length,
      mostItemsShown: itemsShown,
      keystrokeToListChangeMs: updates,
      keystrokeToListFirstShownMs: spread(firstShown),
      budget: `<= ${VOICE_BUDGETS.similarListMs} ms from a keystroke to the list (p95)`,
      budgetMet: updates.p95 <= VOICE_BUDGETS.similarListMs,
    };
  } finally {
    await rig.close();
  }
}
