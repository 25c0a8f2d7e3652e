import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { type Spread, sleep, spread } from './stats';

/** One way of loading the page: which browser, which host. */
export interface LoadVariant {
  name: string;
  context: BrowserContext;
  url: string;
  /** Wait for the launcher (configured site) before taking figures. */
  expectLauncher: boolean;
}

export interface LoadSample {
  /** Performance.getMetrics after load and settling, seconds turned into ms. */
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  recalcStyleMs: number;
  /** Navigation timing: navigation start to the load event. */
  loadEventMs: number;
  domContentLoadedMs: number;
  /** Main-thread time inside Flywheel's scripts, from the trace (union of events). */
  extensionScriptMs: number;
  /** The longest single traced event inside Flywheel's scripts. */
  extensionLongestMs: number;
  longTasks: number;
  longTaskMs: number;
  /** JSHeapUsedSize after a forced GC: the renderer's V8 heap, isolated worlds included. */
  heapMb: number;
  elements: number;
  launcher: boolean;
  breakdown: ExtensionBreakdown;
  mainThread: Record<string, number>;
}

export interface PageLoadResult {
  runs: number;
  elements: number;
  variants: Record<
    string,
    Record<keyof Omit<LoadSample, 'launcher' | 'breakdown' | 'mainThread'>, Spread>
  >;
  launcherSeen: Record<string, number>;
  /** Median ms per top-level event name inside Flywheel's scripts, per variant. */
  breakdown: Record<string, Record<string, number>>;
  /** Median ms per outermost main-thread event name of the page's renderer, per variant. */
  mainThread: Record<string, Record<string, Spread>>;
  /** Per-iteration differences (alternated runs), configured minus baseline, and so on. */
  paired: Record<string, Record<string, Spread>>;
}

// The timeline's own categories (script evaluation, compilation, function calls, each with its
// script URL); the disabled-by-default ones would add tracing overhead for no attribution.
const TRACE_CATEGORIES = ['devtools.timeline', 'v8.execute'];

interface TraceEvent {
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  name: string;
  args?: { data?: { url?: string }; beginData?: { url?: string }; name?: string };
}

/** Top-level events in Flywheel's scripts by name (EvaluateScript, v8.compile, FunctionCall…). */
export type ExtensionBreakdown = Record<string, number>;

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

/** Time on each thread inside events whose script is one of ours; nested events count once. */
function extensionTime(events: TraceEvent[], prefix: string) {
  const byThread = new Map<string, [number, number, string][]>();
  let longest = 0;
  for (const event of events) {
    if (event.ph !== 'X' || event.dur === undefined) continue;
    if (!event.args?.data?.url?.startsWith(prefix)) continue;
    const key = `${event.pid}:${event.tid}`;
    const list = byThread.get(key) ?? [];
    list.push([event.ts, event.ts + event.dur, event.name]);
    byThread.set(key, list);
    longest = Math.max(longest, event.dur);
  }
  let total = 0;
  const breakdown: ExtensionBreakdown = {};
  for (const intervals of byThread.values()) {
    intervals.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    let [start, end] = intervals[0] as [number, number, string];
    breakdown[intervals[0]?.[2] as string] = (end - start) / 1000;
    for (const [s, e, name] of intervals.slice(1)) {
      if (s >= end) {
        // A new top-level event: the previous run of nested ones is closed.
        total += end - start;
        [start, end] = [s, e];
        breakdown[name] = (breakdown[name] ?? 0) + (e - s) / 1000;
      } else if (e > end) {
        breakdown[name] = (breakdown[name] ?? 0) + (e - end) / 1000;
        end = e;
      }
    }
    total += end - start;
  }
  return { totalMs: total / 1000, longestMs: longest / 1000, breakdown };
}

/**
 * Main-thread time of the page's renderer by outermost timeline event (ParseHTML,
 * UpdateLayoutTree, Layout, EvaluateScript…): where a load's time goes, to compare variants.
 */
function mainThreadByEvent(events: TraceEvent[], pageUrl: string): Record<string, number> {
  const parse = events.find(
    (e) => e.name === 'ParseHTML' && e.args?.beginData?.url?.startsWith(pageUrl),
  );
  if (!parse) return {};
  const main = events.find(
    (e) =>
      e.ph === 'M' &&
      e.name === 'thread_name' &&
      e.pid === parse.pid &&
      e.args?.name === 'CrRendererMain',
  );
  const tid = main?.tid ?? parse.tid;
  const mine = events
    .filter((e) => e.ph === 'X' && e.dur !== undefined && e.pid === parse.pid && e.tid === tid)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const totals: Record<string, number> = {};
  let end = Number.NEGATIVE_INFINITY;
  for (const event of mine) {
    if (event.ts < end) continue; // nested in the previous outermost event
    end = event.ts + (event.dur ?? 0);
    totals[event.name] = (totals[event.name] ?? 0) + (event.dur ?? 0) / 1000;
  }
  return totals;
}

// Runs in the page before its own scripts: counts long tasks from the start of the load.
const LONG_TASK_OBSERVER = `(() => {
  const w = window;
  w.__benchLongTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__benchLongTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
})();`;

async function loadOnce(
  variant: LoadVariant,
  extensionPrefix: string,
  settleMs: number,
): Promise<LoadSample> {
  const page: Page = await variant.context.newPage();
  const cdp = await variant.context.newCDPSession(page);
  try {
    await page.addInitScript(LONG_TASK_OBSERVER);
    await cdp.send('Performance.enable');
    const before = metricsOf(await cdp.send('Performance.getMetrics'));
    await cdp.send('Tracing.start', {
      traceConfig: { includedCategories: TRACE_CATEGORIES },
      transferMode: 'ReturnAsStream',
    });
    await page.goto(variant.url, { waitUntil: 'load' });
    let launcher = false;
    if (variant.expectLauncher) {
      await page
        .locator('[data-flywheel-ui="launcher"]')
        .waitFor({ state: 'attached', timeout: 10_000 });
      launcher = true;
    }
    await sleep(settleMs);
    if (!variant.expectLauncher)
      launcher = (await page.locator('[data-flywheel-ui="launcher"]').count()) > 0;
    const events = await readTrace(cdp);
    await cdp.send('HeapProfiler.collectGarbage');
    const after = metricsOf(await cdp.send('Performance.getMetrics'));
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const tasks = (window as unknown as { __benchLongTasks?: number[] }).__benchLongTasks ?? [];
      return {
        load: nav.loadEventStart,
        dcl: nav.domContentLoadedEventStart,
        longTasks: tasks.length,
        longTaskMs: tasks.reduce((sum, d) => sum + d, 0),
        elements: document.getElementsByTagName('*').length,
      };
    });
    const delta = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
    const ours = extensionTime(events, extensionPrefix);
    return {
      taskMs: delta('TaskDuration'),
      scriptMs: delta('ScriptDuration'),
      layoutMs: delta('LayoutDuration'),
      recalcStyleMs: delta('RecalcStyleDuration'),
      loadEventMs: timing.load,
      domContentLoadedMs: timing.dcl,
      extensionScriptMs: ours.totalMs,
      extensionLongestMs: ours.longestMs,
      longTasks: timing.longTasks,
      longTaskMs: timing.longTaskMs,
      heapMb: (after.JSHeapUsedSize ?? 0) / 2 ** 20,
      elements: timing.elements,
      launcher,
      breakdown: ours.breakdown,
      mainThread: mainThreadByEvent(events, variant.url),
    };
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

function metricsOf(result: { metrics: { name: string; value: number }[] }) {
  return Object.fromEntries(result.metrics.map((m) => [m.name, m.value])) as Record<string, number>;
}

/**
 * Loads the page in every variant, alternating (the order rotates each round so no variant
 * always goes first), `runs` times each. One warm-up round is thrown away.
 */
export async function benchPageLoad(options: {
  variants: LoadVariant[];
  extensionId: string;
  runs: number;
  settleMs?: number;
  pairs: [string, string][];
  log?: (line: string) => void;
}): Promise<PageLoadResult> {
  const prefix = `chrome-extension://${options.extensionId}/`;
  const settle = options.settleMs ?? 500;
  const samples = new Map<string, LoadSample[]>(options.variants.map((v) => [v.name, []]));
  for (let round = -1; round < options.runs; round++) {
    const rotation = Math.max(round, 0) % options.variants.length;
    const order = [...options.variants.slice(rotation), ...options.variants.slice(0, rotation)];
    for (const variant of order) {
      const sample = await loadOnce(variant, prefix, settle);
      if (round >= 0) samples.get(variant.name)?.push(sample);
    }
    if (round >= 0) options.log?.(`  page load: round ${round + 1}/${options.runs}`);
  }
  const keys = Object.keys(samples.get(options.variants[0]?.name ?? '')?.[0] ?? {}).filter(
    (key) => key !== 'launcher' && key !== 'breakdown' && key !== 'mainThread',
  ) as (keyof Omit<LoadSample, 'launcher' | 'breakdown' | 'mainThread'>)[];
  const variants: PageLoadResult['variants'] = {};
  const launcherSeen: Record<string, number> = {};
  const breakdown: PageLoadResult['breakdown'] = {};
  const mainThread: PageLoadResult['mainThread'] = {};
  for (const [name, list] of samples) {
    variants[name] = Object.fromEntries(
      keys.map((key) => [key, spread(list.map((s) => s[key]))]),
    ) as Record<keyof Omit<LoadSample, 'launcher' | 'breakdown' | 'mainThread'>, Spread>;
    launcherSeen[name] = list.filter((s) => s.launcher).length;
    const threadNames = new Set(list.flatMap((s) => Object.keys(s.mainThread)));
    mainThread[name] = Object.fromEntries(
      [...threadNames].map((event) => [event, spread(list.map((s) => s.mainThread[event] ?? 0))]),
    );
    const names = new Set(list.flatMap((s) => Object.keys(s.breakdown)));
    breakdown[name] = Object.fromEntries(
      [...names].map((event) => [event, spread(list.map((s) => s.breakdown[event] ?? 0)).median]),
    );
  }
  const paired: PageLoadResult['paired'] = {};
  for (const [a, b] of options.pairs) {
    const left = samples.get(a) ?? [];
    const right = samples.get(b) ?? [];
    paired[`${a} − ${b}`] = Object.fromEntries(
      keys.map((key) => [
        key,
        spread(left.map((s, i) => s[key] - (right[i]?.[key] ?? Number.NaN))),
      ]),
    );
  }
  return {
    runs: options.runs,
    elements: samples.get(options.variants[0]?.name ?? '')?.[0]?.elements ?? 0,
    variants,
    launcherSeen,
    breakdown,
    mainThread,
    paired,
  };
}
