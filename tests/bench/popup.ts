/// <reference types="chrome" />
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../e2e/support/browser';
import { type Spread, sleep, spread } from './stats';

export interface PopupResult {
  stored: number;
  seedMs: number;
  /** Navigation start to the first list item painted (Element Timing renderTime). */
  firstListPaint: Spread;
  /** Navigation start to the first list item in the DOM (MutationObserver). */
  firstListInDom: Spread;
  /** Navigation start to the end of the frame that renders it (rAF, then a posted message). */
  firstListFrameDone: Spread;
  firstContentfulPaint: Spread;
  elementTimingSeen: number;
  scroll: {
    pages: number;
    itemsAtEnd: number;
    /** Click on "Show more" to the new items rendered (same rAF + message method), per page. */
    showMoreMs: Spread;
    showMoreFirstMs: number;
    showMoreLastMs: number;
    frameMs: Spread;
    framesOver50Ms: number;
    frames: number;
    longTasks: number;
    longestTaskMs: number;
    /** Set when a "Show more" click added no items within 5 s: how many were shown, any alert. */
    stopped?: { items: number; alert: string };
  };
}

interface BenchWindow {
  __bench: {
    listInDom?: number;
    listFrameDone?: number;
    listPaint?: number;
    longTasks: number[];
  };
}

// A string, not a function: the TypeScript loader may wrap functions in helpers the page lacks.
// Runs before the popup's own scripts; all times are ms since the popup's navigation start.
export const INSTRUMENT = `(() => {
  const bench = { longTasks: [] };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.identifier === 'bench-first-item' && bench.listPaint === undefined) {
          bench.listPaint = e.renderTime || e.loadTime;
        }
      }
    }).observe({ type: 'element', buffered: true });
  } catch {}
  const observer = new MutationObserver(() => {
    const item = document.querySelector('ul li');
    if (!item) return;
    observer.disconnect();
    bench.listInDom = performance.now();
    // Marked before its first paint (this runs as a microtask after the insertion), so
    // Element Timing reports when its text is painted.
    const text = item.querySelector('.text') || item;
    text.setAttribute('elementtiming', 'bench-first-item');
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { bench.listFrameDone = performance.now(); };
      channel.port2.postMessage(0);
    });
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

// Runs in the service worker, as a string (see INSTRUMENT). Deterministic: the same 10,000
// suggestions each run, on 300 pages, mostly synced with an owner's status.
const SEED = `async (total) => {
  const started = performance.now();
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('flywheel');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const words = 'request approve manager invoice supplier budget form step finance review policy travel leave contract signature deadline team owner process portal'.split(' ');
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const pick = (list) => list[Math.floor(next() * list.length)];
  const phrase = (n) => Array.from({ length: n }, () => pick(words)).join(' ');
  const states = ['synced', 'synced', 'synced', 'synced', 'synced', 'synced', 'draft', 'failed'];
  const statuses = ['submitted', 'under-review', 'planned', 'done', 'declined'];
  const categories = ['unclear', 'missing-step', 'outdated', 'simplify', 'other'];
  const now = Date.now();
  const tx = db.transaction('suggestions', 'readwrite');
  const store = tx.objectStore('suggestions');
  for (let i = 0; i < total; i++) {
    const page = Math.floor(next() * 300);
    const quote = phrase(4 + Math.floor(next() * 12));
    const syncState = pick(states);
    const updatedAt = now - Math.floor(next() * 400 * 24 * 3600 * 1000);
    const remote = syncState === 'synced'
      ? { remoteStatus: pick(statuses), remoteId: 'https://annotations.example/' + i, etag: '"' + i + '"', voteCount: Math.floor(next() * 20) }
      : {};
    store.put({
      id: crypto.randomUUID(),
      pageUrl: 'https://intranet.example/process/' + page,
      pageTitle: 'Process ' + page + ': ' + phrase(3),
      text: phrase(10 + Math.floor(next() * 40)),
      category: pick(categories),
      anonymous: next() < 0.3,
      quote,
      selectors: [
        { type: 'TextQuoteSelector', exact: quote, prefix: phrase(5), suffix: phrase(5) },
        { type: 'TextPositionSelector', start: i * 10, end: i * 10 + quote.length },
        { type: 'CssSelector', value: 'main ol > li:nth-child(' + (1 + (i % 9)) + ')' },
      ],
      syncState,
      ...remote,
      createdAt: updatedAt - 60000,
      updatedAt,
    });
  }
  await new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
  return performance.now() - started;
}`;

/** Writes `count` suggestions in one IndexedDB transaction, from the service worker. */
export async function seedSuggestions(browser: ExtensionBrowser, count: number): Promise<number> {
  const worker = await browser.currentWorker();
  return (await worker.evaluate(`(${SEED})(${Number(count)})`)) as number;
}

async function openPopupOnce(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  // About the size Chromium gives an extension popup.
  await page.setViewportSize({ width: 400, height: 600 });
  await page.addInitScript(INSTRUMENT);
  await page.goto(browser.extensionUrl('popup.html'));
  await page.locator('ul li').first().waitFor();
  await page.waitForFunction(
    () => (window as unknown as BenchWindow).__bench.listFrameDone !== undefined,
  );
  // Element Timing is reported asynchronously after the paint.
  await sleep(100);
  return page;
}

const SHOW_MORE = `(async () => {
  const count = () => document.querySelectorAll('ul li').length;
  const before = count();
  const button = [...document.querySelectorAll('button')].find((b) => /more/i.test(b.textContent || ''));
  if (!button) return NaN;
  const started = performance.now();
  const grew = await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (count() > before) {
        observer.disconnect();
        resolve(true);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
    setTimeout(() => { observer.disconnect(); resolve(false); }, 5000);
    button.click();
  });
  if (!grew) return NaN;
  await new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  }));
  return performance.now() - started;
})()`;

/** Clicks "Show more" and waits for the new items to be rendered; returns ms. */
async function showMore(page: Page): Promise<number> {
  return (await page.evaluate(SHOW_MORE)) as number;
}

// Frame intervals while scrolling, from requestAnimationFrame.
const RECORD_FRAMES = `(() => {
  const frames = [];
  window.__frames = frames;
  let last = 0;
  const tick = (now) => {
    if (last) frames.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

export async function benchPopup(options: {
  browser: ExtensionBrowser;
  stored: number;
  opens: number;
  scrollPages: number;
  log?: (line: string) => void;
}): Promise<PopupResult> {
  const seedMs = await seedSuggestions(options.browser, options.stored);
  options.log?.(`  popup: seeded ${options.stored} suggestions in ${seedMs.toFixed(0)} ms`);
  const inDom: number[] = [];
  const frameDone: number[] = [];
  const painted: number[] = [];
  const fcp: number[] = [];
  // One warm-up open, not counted (first load of the popup's code from disk).
  for (let run = -1; run < options.opens; run++) {
    const page = await openPopupOnce(options.browser);
    const figures = await page.evaluate(() => {
      const bench = (window as unknown as BenchWindow).__bench;
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return { ...bench, fcp: paint?.startTime };
    });
    if (run >= 0) {
      inDom.push(figures.listInDom ?? Number.NaN);
      frameDone.push(figures.listFrameDone ?? Number.NaN);
      painted.push(figures.listPaint ?? Number.NaN);
      fcp.push(figures.fcp ?? Number.NaN);
    }
    await page.close();
  }
  options.log?.(`  popup: ${options.opens} opens`);

  // Scrolling: a person scrolls to the end of the list and asks for more, page after page.
  const page = await openPopupOnce(options.browser);
  await page.evaluate(RECORD_FRAMES);
  const longTasksBefore = await page.evaluate(
    () => (window as unknown as BenchWindow).__bench.longTasks.length,
  );
  await page.mouse.move(200, 300);
  const showMoreMs: number[] = [];
  let stopped: { items: number; alert: string } | undefined;
  for (let p = 0; p < options.scrollPages; p++) {
    for (let step = 0; step < 40; step++) {
      await page.mouse.wheel(0, 300);
      await sleep(16);
      const atEnd = await page.evaluate(() => {
        const button = [...document.querySelectorAll('button')].find((b) =>
          /more/i.test(b.textContent ?? ''),
        );
        const box = button?.getBoundingClientRect();
        return !box || box.top < innerHeight;
      });
      if (atEnd) break;
    }
    const took = await showMore(page);
    if (Number.isNaN(took)) {
      stopped = await page.evaluate(() => ({
        items: document.querySelectorAll('ul li').length,
        alert: document.querySelector('[role=alert]')?.textContent ?? '',
      }));
      options.log?.(
        `  popup: "Show more" showed nothing more within 5 s at ${stopped.items} items`,
      );
      break;
    }
    showMoreMs.push(took);
    options.log?.(`  popup: page ${p + 2} shown in ${took.toFixed(0)} ms`);
  }
  const scrollFigures = await page.evaluate(() => {
    const frames = (window as unknown as { __frames: number[] }).__frames;
    const bench = (window as unknown as BenchWindow).__bench;
    return {
      frames,
      longTasks: bench.longTasks,
      items: document.querySelectorAll('ul li').length,
    };
  });
  await page.close();
  options.log?.(`  popup: scrolled through ${options.scrollPages} pages`);
  const scrollLongTasks = scrollFigures.longTasks.slice(longTasksBefore);
  return {
    stored: options.stored,
    seedMs,
    firstListPaint: spread(painted),
    firstListInDom: spread(inDom),
    firstListFrameDone: spread(frameDone),
    firstContentfulPaint: spread(fcp),
    elementTimingSeen: painted.filter((v) => Number.isFinite(v)).length,
    scroll: {
      pages: options.scrollPages,
      itemsAtEnd: scrollFigures.items,
      showMoreMs: spread(showMoreMs),
      showMoreFirstMs: showMoreMs[0] ?? Number.NaN,
      showMoreLastMs: showMoreMs.at(-1) ?? Number.NaN,
      frameMs: spread(scrollFigures.frames),
      framesOver50Ms: scrollFigures.frames.filter((f) => f > 50).length,
      frames: scrollFigures.frames.length,
      longTasks: scrollLongTasks.length,
      longestTaskMs: Math.max(0, ...scrollLongTasks),
      stopped,
    },
  };
}
