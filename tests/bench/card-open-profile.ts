/// <reference types="chrome" />
// Where the time of a card's opening goes (issue 10: "a card opens in <= 150 ms"), and builds
// of the extension compared with each other, interleaved in one run on the same pages.
//
//   node --import tsx tests/bench/card-open-profile.ts [rounds]
//     CARD_PROFILE_DIRS="before=<built chrome-mv3 folder>,after=<another>" compares builds
//     (each built for the benchmark's site: FLYWHEEL_SITES='http://127.0.0.1/*'
//     FLYWHEEL_OUT_DIR=.output/<name> npx wxt build, in a checkout of each version);
//     without it, this tree is built (benchmark build) and measured alone.
//     CARD_PROFILE_TRACE=1 also prints a CDP trace summary of one open per build.
//
// Each build gets its own browser; every round opens a colleague's card in each (a trusted
// click on a mark of the 10,000-element page, 50 marks), the order alternating. Times are the
// wall clock (`timeOrigin + now()`), comparable between the page and the extension frame:
// click → the frame's document started → its first script ran → each message's round trip →
// the card's text in the DOM → the frame after it drawn. Not registered in run.ts: a tool for
// finding the cost, not a budget's figure.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Frame, Page } from 'playwright-core';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
} from '../../utils/protocol/annotation';
import { type ExtensionBrowser, launchWithExtension, waitFor } from '../e2e/support/browser';
import { largeIntranetPage } from './large-page';
import { BENCH_EXTENSION_DIR, buildForBench } from './setup';
import { round, sleep, spread } from './stats';

const MARKED = 50;
const rounds = Number(process.argv[2] ?? 12);

interface Variant {
  name: string;
  dir: string;
  browser?: ExtensionBrowser;
  page?: Page;
  samples: Sample[];
}

interface Sample {
  /** The first open in its tab. */
  first: boolean;
  frameStart: number;
  responseEnd: number;
  created: number;
  interactive: number;
  domContentLoaded: number;
  textInDom: number;
  painted: number;
  messages: Record<string, { sent: number; answered: number }>;
}

// In every frame of the page, before its scripts. In the page: the trusted clicks. In the
// extension frame: the document's milestones, each message's round trip, the card's text.
const INSTRUMENT = (texts: string[]) => `(() => {
  const w = window;
  const now = () => performance.timeOrigin + performance.now();
  if (location.protocol !== 'chrome-extension:') {
    addEventListener('click', (event) => {
      if (event.isTrusted) (w.__cardClicks = w.__cardClicks || []).push(performance.timeOrigin + event.timeStamp);
    }, true);
    return;
  }
  w.__card = { created: now(), interactive: 0, textInDom: 0, painted: 0, messages: {} };
  document.addEventListener('readystatechange', () => {
    if (document.readyState === 'interactive') w.__card.interactive = now();
  });
  const send = chrome.runtime.sendMessage.bind(chrome.runtime);
  chrome.runtime.sendMessage = (...args) => {
    const type = args[0] && args[0].type;
    const entry = (w.__card.messages[type] = { sent: now(), answered: 0 });
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last];
      args[last] = (...answer) => { entry.answered = now(); return callback(...answer); };
      return send(...args);
    }
    const answer = send(...args);
    if (answer && answer.then) answer.then(() => { entry.answered = now(); }, () => { entry.answered = now(); });
    return answer;
  };
  const texts = ${JSON.stringify(texts)};
  const check = () => {
    if (w.__card.textInDom || !document.body) return;
    const shown = document.body.textContent || '';
    if (!texts.some((text) => shown.includes(text))) return;
    w.__card.textInDom = now();
    requestAnimationFrame(() => setTimeout(() => { w.__card.painted = now(); }, 0));
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
})();`;

async function seed(server: RunningServer, pageUrl: string, exacts: string[]): Promise<string[]> {
  const texts: string[] = [];
  for (const [i, exact] of exacts.entries()) {
    const text = `Colleague suggestion ${i + 1}: merge this step with the next one`;
    texts.push(text);
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
        body: [{ type: 'TextualBody', value: text, format: 'text/plain', purpose: 'editing' }],
        target: { source: pageUrl, selector: [{ type: 'TextQuoteSelector', exact }] },
        category: 'simplify',
        ...(i % 3 === 0 ? { anonymous: true } : { creator: { type: 'Person', name: 'Alex' } }),
      }),
    });
    if (response.status !== 201)
      throw new Error(`Seeding: the endpoint answered ${response.status}`);
  }
  return texts;
}

async function newTab(variant: Variant, url: string, texts: string[]): Promise<Page> {
  const browser = variant.browser as ExtensionBrowser;
  await variant.page?.close();
  const page = await browser.context.newPage();
  await page.addInitScript(INSTRUMENT(texts));
  await page.goto(url);
  await waitFor(
    () => page.evaluate(() => (CSS.highlights.get('flywheel')?.size ?? 0) >= 50),
    'the marks',
    20_000,
  );
  variant.page = page;
  progress(`${variant.name}: a tab with its marks`);
  return page;
}

async function clickMark(page: Page, index: number): Promise<void> {
  const box = await page.evaluate((i) => {
    const range = [...(CSS.highlights.get('flywheel') as unknown as Set<Range>)][i] as Range;
    const start = range.startContainer;
    (start instanceof Element ? start : start.parentElement)?.scrollIntoView({ block: 'center' });
    const rect = range.getClientRects()[0] as DOMRect;
    return { x: rect.left + Math.min(rect.width / 2, 40), y: rect.top + rect.height / 2 };
  }, index);
  await sleep(100);
  await page.evaluate(() => {
    (window as unknown as { __cardClicks: number[] }).__cardClicks = [];
  });
  await page.mouse.click(box.x, box.y);
}

async function cardFrame(page: Page): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(async () => {
    found = page.frames().find((f) => f.url().includes('/editor.html') && !f.isDetached());
    if (!found) return false;
    return found
      .evaluate(
        () => ((window as unknown as { __card?: { painted: number } }).__card?.painted ?? 0) > 0,
      )
      .catch(() => false);
  }, 'the card to show its text');
  return found as Frame;
}

const started = Date.now();

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
const progress = (what: string) =>
  process.env.CARD_PROFILE_VERBOSE === '1' &&
  console.error(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);

async function openOnce(page: Page, index: number, first: boolean): Promise<Sample> {
  progress(`open mark ${index}`);
  await clickMark(page, index);
  const frame = await cardFrame(page);
  progress('card painted');
  // Replies and the rest may still be on their way: let them land before reading.
  await sleep(150);
  const shown = await frame.evaluate(() => {
    const w = window as unknown as {
      __card: {
        created: number;
        interactive: number;
        textInDom: number;
        painted: number;
        messages: Record<string, { sent: number; answered: number }>;
      };
    };
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const o = performance.timeOrigin;
    return {
      frameStart: o,
      responseEnd: o + nav.responseEnd,
      created: w.__card.created,
      interactive: w.__card.interactive,
      domContentLoaded: o + nav.domContentLoadedEventEnd,
      textInDom: w.__card.textInDom,
      painted: w.__card.painted,
      messages: w.__card.messages,
    };
  });
  progress('frame read');
  const clicks = await page.evaluate(
    () => (window as unknown as { __cardClicks?: number[] }).__cardClicks ?? [],
  );
  const click = clicks.at(-1);
  if (click === undefined) throw new Error('No trusted click seen');
  progress('page read');
  await page.keyboard.press('Escape');
  progress('escape pressed');
  await waitFor(
    async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
    'the card to close',
  );
  await sleep(400);
  const rel = (t: number) => (t > 0 ? t - click : Number.NaN);
  const messages: Sample['messages'] = {};
  for (const [type, m] of Object.entries(shown.messages)) {
    messages[type] = { sent: rel(m.sent), answered: rel(m.answered) };
  }
  return {
    first,
    frameStart: rel(shown.frameStart),
    responseEnd: rel(shown.responseEnd),
    created: rel(shown.created),
    interactive: rel(shown.interactive),
    domContentLoaded: rel(shown.domContentLoaded),
    textInDom: rel(shown.textInDom),
    painted: rel(shown.painted),
    messages,
  };
}

// ------------------------------------------------------------------------------------------
// One traced open: the top-level tasks of each thread between the click and the paint.

interface TraceEvent {
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  name: string;
  args?: { name?: string; data?: { url?: string; functionName?: string; type?: string } };
}

async function traceOpen(variant: Variant, url: string, texts: string[]): Promise<void> {
  const browser = variant.browser as ExtensionBrowser;
  const page = await newTab(variant, url, texts);
  // Tracing is browser-wide: the page's, the frame's and the service worker's threads.
  const cdp: CDPSession = await browser.context.newCDPSession(page);
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'v8.execute',
        'navigation',
        'loading',
        'blink.user_timing',
        'toplevel',
        'ipc',
        'ServiceWorker',
        'extensions',
      ],
    },
    transferMode: 'ReturnAsStream',
  });
  const sample = await openOnce(page, 3, true);
  const complete = new Promise<string>((resolve) =>
    cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream ?? '')),
  );
  await cdp.send('Tracing.end');
  const stream = await complete;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
    if (chunk.eof) break;
  }
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const names = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name')
      names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
    if (e.ph === 'M' && e.name === 'process_name') names.set(`${e.pid}`, e.args?.name ?? '');
  }
  const click = events.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click');
  const t0 = click?.ts ?? 0;
  const end = t0 + (sample.painted + 50) * 1000;
  const interesting = new Set([
    'EventDispatch',
    'FunctionCall',
    'EvaluateScript',
    'v8.compileModule',
    'v8.evaluateModule',
    'ParseHTML',
    'ParseAuthorStyleSheet',
    'UpdateLayoutTree',
    'Layout',
    'Paint',
    'PrePaint',
    'RunMicrotasks',
    'TimerFire',
    'FireAnimationFrame',
    'ResourceSendRequest',
    'ResourceFinish',
    'CommitLoad',
    'NavigationRequest',
    'RenderFrameHostImpl::DidCommitNavigation',
    'v8.run',
    'ServiceWorker.DispatchEvent',
    'Commit',
    'HitTest',
    'XHRLoad',
    'MarkDOMContent',
    'MarkLoad',
  ]);
  const rows = events
    .filter(
      (e) =>
        (e.ph === 'X' || e.ph === 'I' || e.ph === 'R' || e.ph === 'i') && e.ts >= t0 && e.ts <= end,
    )
    .filter((e) => interesting.has(e.name) && (e.dur === undefined || e.dur >= 300))
    .sort((a, b) => a.ts - b.ts);
  console.log(`\n── trace of one open (${variant.name}): ms after the click, duration, thread ──`);
  for (const e of rows.slice(0, 160)) {
    const thread = `${names.get(`${e.pid}`) ?? e.pid}/${names.get(`${e.pid}:${e.tid}`) ?? e.tid}`;
    const what =
      e.args?.data?.url?.split('/').at(-1) ??
      e.args?.data?.functionName ??
      e.args?.data?.type ??
      '';
    console.log(
      `${((e.ts - t0) / 1000).toFixed(1).padStart(7)} ${e.dur ? (e.dur / 1000).toFixed(1).padStart(6) : '     ·'}  ${thread.padEnd(34).slice(0, 34)} ${e.name} ${what}`,
    );
  }
  console.log(`painted at ${sample.painted.toFixed(1)} ms`);
  await cdp.detach().catch(() => undefined);
}

// ------------------------------------------------------------------------------------------

function summary(variant: Variant) {
  const figure = (list: Sample[], pick: (s: Sample) => number) =>
    spread(list.map(pick).filter((n) => Number.isFinite(n)));
  const fmt = (s: ReturnType<typeof spread>) =>
    s.runs === 0 ? 'n/a' : `${round(s.median)} (${round(s.min)}–${round(s.max)})`;
  const lines: string[] = [];
  for (const [label, list] of [
    ['first open in a tab', variant.samples.filter((s) => s.first)],
    ['reopened', variant.samples.filter((s) => !s.first)],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(`  ${label} (${list.length} opens), ms after the click, median (min–max):`);
    lines.push(`    frame document started   ${fmt(figure(list, (s) => s.frameStart))}`);
    lines.push(`    document received        ${fmt(figure(list, (s) => s.responseEnd))}`);
    lines.push(`    document created         ${fmt(figure(list, (s) => s.created))}`);
    lines.push(`    HTML parsed              ${fmt(figure(list, (s) => s.interactive))}`);
    const types = [...new Set(list.flatMap((s) => Object.keys(s.messages)))];
    for (const type of types) {
      const sent = figure(list, (s) => s.messages[type]?.sent ?? Number.NaN);
      const answered = figure(list, (s) => s.messages[type]?.answered ?? Number.NaN);
      lines.push(`    ${type.padEnd(24)} sent ${fmt(sent)}, answered ${fmt(answered)}`);
    }
    lines.push(`    DOMContentLoaded done    ${fmt(figure(list, (s) => s.domContentLoaded))}`);
    lines.push(`    card text in the DOM     ${fmt(figure(list, (s) => s.textInDom))}`);
    lines.push(`    frame after it drawn     ${fmt(figure(list, (s) => s.painted))}`);
    // The frame's own part, without the browser's navigation and commit (the noisiest part).
    lines.push(
      `    drawn, from its document created ${fmt(figure(list, (s) => s.painted - s.created))}`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const variants: Variant[] = (process.env.CARD_PROFILE_DIRS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [name = '', dir = ''] = pair.split('=');
      return { name, dir, samples: [] };
    });
  if (variants.length === 0) {
    if (!existsSync(join(BENCH_EXTENSION_DIR, 'manifest.json'))) buildForBench();
    variants.push({ name: 'this tree', dir: BENCH_EXTENSION_DIR, samples: [] });
  }
  const pageDir = await mkdtemp(join(tmpdir(), 'flywheel-card-profile-'));
  let site: StaticServer | undefined;
  let server: RunningServer | undefined;
  try {
    await writeFile(join(pageDir, 'card.html'), largeIntranetPage());
    site = await startStaticServer({ '/bench/': pageDir });
    server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
    const url = site.url('/bench/card.html');
    for (const variant of variants) {
      variant.browser = await launchWithExtension({ extensionDir: variant.dir });
      const options = await variant.browser.context.newPage();
      await options.goto(variant.browser.extensionUrl('options.html'));
      await options.getByRole('textbox', { name: 'Endpoint URL' }).fill(server.containerUrl);
      await options.getByRole('button', { name: 'Save' }).click();
      await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      await options.close();
      progress(`${variant.name}: browser ready`);
    }
    // 50 passages of the page (every sixth step's sentence), read in the first browser.
    const reader = await (variants[0] as Variant).browser?.context.newPage();
    if (!reader) throw new Error('No browser started');
    await reader.goto(site.otherSiteUrl('/bench/card.html'));
    const exacts = await reader.evaluate((marked) => {
      const steps = [...document.querySelectorAll('main ol > li')];
      const every = Math.floor(steps.length / marked);
      return steps
        .filter((_, i) => i % every === 0)
        .slice(0, marked)
        .map((li) => (li.childNodes[1]?.textContent ?? '').trim());
    }, MARKED);
    await reader.close();
    const texts = await seed(server, url, exacts);

    // Warm-up: a tab and one open in each, not counted.
    for (const variant of variants) {
      const page = await newTab(variant, url, texts);
      await openOnce(page, 0, true);
    }
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      // Every third round starts in a fresh tab: its first open is counted as such.
      const fresh = r % 3 === 0;
      for (const variant of order) {
        const page = fresh ? await newTab(variant, url, texts) : (variant.page as Page);
        for (const [index, first] of [
          [(r * 7 + 1) % MARKED, fresh],
          [(r * 7 + 4) % MARKED, false],
        ] as const) {
          // A stuck open (seen on a machine this loaded) is dropped, and its tab replaced.
          const sample = await withinMs(openOnce(page, index, first), 30_000).catch((error) => {
            console.error(`${variant.name}: an open failed (${String(error)}); a fresh tab`);
            return undefined;
          });
          if (sample) variant.samples.push(sample);
          else await newTab(variant, url, texts);
        }
      }
    }
    console.log(
      `Card opens, ${rounds} rounds, load average ${loadavg()
        .map((n) => round(n, 1))
        .join(' ')}`,
    );
    for (const variant of variants) console.log(`${variant.name}:\n${summary(variant)}`);
    if (process.env.CARD_PROFILE_TRACE === '1') {
      for (const variant of variants) await traceOpen(variant, url, texts);
    }
  } finally {
    for (const variant of variants) await variant.browser?.close();
    await server?.close();
    await server?.database.close();
    await site?.close();
    await rm(pageDir, { recursive: true, force: true });
  }
}

await main();
