// Re-anchoring in a real browser: the anchoring module, bundled as the content script bundles
// it, run in Debian's Chromium on the same ~1 MB-text page as tests/bench/anchoring.ts.
// Runs on its own too: `node --import tsx tests/bench/anchoring-chromium.ts`.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../e2e/support/browser';
import { REPO_ROOT } from '../e2e/support/paths';
import { largePage } from './anchoring';

interface Spread {
  median: number;
  min: number;
  max: number;
}

interface PageFigures {
  textLength: number;
  suggestions: number;
  anchored: number[];
  totals: number[];
  builds: number[];
  slowest: number[];
  sliced: number[];
  longTasks: number[];
}

const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    median: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    min: round(sorted[0] ?? 0),
    max: round(sorted.at(-1) ?? 0),
  };
};

// Plain JavaScript, sent as text: a function compiled here would carry the TypeScript
// loader's helpers, which the page does not have.
const IN_PAGE = `async (runCount) => {
  const api = globalThis.flywheelAnchoring;
  let state = 7;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const describer = api.createAnchorer(document);
  const { text } = describer.index;
  const targets = [];
  while (targets.length < 200) {
    const start = Math.floor(next() * (text.length - 200));
    const end = start + 20 + Math.floor(next() * 100);
    const selectors = describer.describe(describer.index.rangeOf(start, end));
    if (selectors.length > 0) targets.push(selectors);
  }
  // Long tasks while the content script's way (anchorAll) runs; the synchronous loop above
  // it is one task by design and is timed on its own.
  const longTasks = [];
  const windows = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const inside = windows.some(([from, to]) => entry.startTime >= from && entry.startTime < to);
      if (inside) longTasks.push(entry.duration);
    }
  }).observe({ type: 'longtask' });
  const result = { textLength: text.length, suggestions: targets.length, anchored: [], totals: [],
    builds: [], slowest: [], sliced: [], longTasks };
  for (let run = 0; run < runCount; run++) {
    const started = performance.now();
    const anchorer = api.createAnchorer(document);
    result.builds.push(performance.now() - started);
    let longest = 0;
    let anchored = 0;
    for (const selectors of targets) {
      const before = performance.now();
      if (anchorer.anchor(selectors)) anchored++;
      longest = Math.max(longest, performance.now() - before);
    }
    result.totals.push(performance.now() - started);
    result.slowest.push(longest);
    result.anchored.push(anchored);
    // What the content script runs: one index, work in slices that yield to the page.
    const slicedStarted = performance.now();
    await api.anchorAll(document, targets);
    const slicedEnded = performance.now();
    windows.push([slicedStarted, slicedEnded]);
    result.sliced.push(slicedEnded - slicedStarted);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  return result;
}`;

/** 200 unchanged suggestions on a ~1 MB-text page, anchored in Chromium, `runs` times. */
export async function benchReanchor200InChromium(runs = 7) {
  const bundle = await build({
    entryPoints: [`${REPO_ROOT}utils/anchoring/index.ts`],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'flywheelAnchoring',
    write: false,
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const html = `<!doctype html>${largePage().documentElement.outerHTML}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html);
    await page.addScriptTag({ content: script });
    const figures = (await page.evaluate(`(${IN_PAGE})(${runs})`)) as PageFigures;
    return {
      environment: 'Chromium (headless), anchoring module bundled with esbuild',
      textLength: figures.textLength,
      suggestions: figures.suggestions,
      anchored: Math.min(...figures.anchored),
      totalMs: spread(figures.totals),
      indexBuildMs: spread(figures.builds),
      slowestAnchorMs: spread(figures.slowest),
      anchorAllWallMs: spread(figures.sliced),
      // Observed while anchorAll (the content script's way: sliced, yielding) ran.
      longTasksOver50Ms: figures.longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...figures.longTasks)),
      budget: '<= 50 ms total, no task over 50 ms',
      budgetMet: spread(figures.totals).median <= 50 && figures.longTasks.length === 0,
    };
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchReanchor200InChromium(), null, 2));
}
