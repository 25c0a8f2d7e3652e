// Where the highlights' style cost comes from, and which way of styling them avoids it: on the
// 10,000-element page of large-page.ts (no extension, plain Chromium), each variant styles one
// CSS Custom Highlight named `flywheel` and puts 50 ranges in it, traced (devtools.timeline)
// from just before that step to three frames after. Figures are the renderer main thread's
// thread time (`tdur`) of UpdateLayoutTree/RecalcStyle, Layout and Paint/PrePaint, summed.
// Variants run interleaved (the order rotates each round; one warm-up round is dropped), and
// each checks with a screenshot that a passage deep in the page shows the highlight colour.
//
//   node --import tsx tests/bench/highlight-style-profile.ts [rounds]
//
// Not part of `npm run bench`: it measures ways of styling, not the extension.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { type CDPSession, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/support/browser';
import { REPO_ROOT } from '../e2e/support/paths';
import { largeIntranetPage } from './large-page';
import { formatSpread, sleep, spread } from './stats';

const MARKED = 50;
const LOOK =
  'background-color: rgb(250 204 21 / 0.4); text-decoration: underline 2px rgb(180 83 9);';

/**
 * Each variant: what is done before tracing (`setup`, then the page settles) and the step that
 * is traced. Both run in the page; `rule` is the CSS the variant uses.
 */
const VARIANTS = {
  /** Ranges in the registry and no style sheet: what the ranges alone cost. */
  rangesOnly: { setup: '', step: '' },
  /** What the highlighter did: a new sheet with `::highlight(flywheel)`, adopted. */
  plainAdopt: { setup: '', step: `adopt('::highlight(flywheel) { ${LOOK} }')` },
  /** The same rule on the root only: descendants take it by highlight inheritance. */
  rootAdopt: { setup: '', step: `adopt(':root::highlight(flywheel) { ${LOOK} }')` },
  /** An empty sheet adopted beforehand, the plain rule inserted into it. */
  plainInsert: {
    setup: `adopt('')`,
    step: `window.__sheet.insertRule('::highlight(flywheel) { ${LOOK} }')`,
  },
  /** An empty sheet adopted beforehand, the root rule inserted into it. */
  rootInsert: {
    setup: `adopt('')`,
    step: `window.__sheet.insertRule(':root::highlight(flywheel) { ${LOOK} }')`,
  },
  /** An empty sheet adopted beforehand, replaceSync with the root rule. */
  rootReplace: {
    setup: `adopt('')`,
    step: `window.__sheet.replaceSync(':root::highlight(flywheel) { ${LOOK} }')`,
  },
  /** highlighter.ts: rules for the elements that hold the marked text only. */
  elementRules: { setup: '', step: `adopt(flywheelHighlighter.highlightCss(marks()))` },
  /** The same, rewritten (replaceSync) from 49 of the marks to 50, as after a DOM change. */
  elementRulesRewrite: {
    setup: `adopt(flywheelHighlighter.highlightCss(marks().slice(1)))`,
    step: `window.__sheet.replaceSync(flywheelHighlighter.highlightCss(marks()))`,
  },
  /** Probe: one rule per tag of the marked elements (every li, every em…). */
  tagOnly: {
    setup: '',
    step: `adopt([...new Set(marks().map((r) => r.commonAncestorContainer.parentElement.localName))].map((t) => t + '::highlight(flywheel)').join(',') + '{ ${LOOK} }')`,
  },
  /** Probe: the last two steps of each path only. */
  shortPath: {
    setup: '',
    step: `adopt(flywheelHighlighter.highlightCss(marks()).split(',').map((s) => s.split('>').slice(-2).join('>')).join(','))`,
  },
  /** highlighter.ts with 50 marks in table cells (the page's most common tag, 5,000 cells). */
  elementRulesCells: {
    setup: '',
    step: `window.__ranges = cellMarks(); adopt(flywheelHighlighter.highlightCss(window.__ranges))`,
  },
} as const;
type Variant = keyof typeof VARIANTS;

const HELPERS = `
  window.adopt = (css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    window.__sheet = sheet;
  };
  window.frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  window.marks = () => {
    const steps = [...document.querySelectorAll('main ol > li')];
    const every = Math.floor(steps.length / ${MARKED});
    return steps.filter((_, i) => i % every === 0).slice(0, ${MARKED}).map((li) => {
      const range = document.createRange();
      range.selectNodeContents(li.childNodes[1]);
      return range;
    });
  };
  window.cellMarks = () => {
    const cells = [...document.querySelectorAll('main tbody td:nth-child(2)')];
    const every = Math.floor(cells.length / ${MARKED});
    return cells.filter((_, i) => i % every === 0).slice(0, ${MARKED}).map((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return range;
    });
  };
`;

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
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

/** Thread time (ms) of these events on renderer main threads (the one page is the only one). */
function threadMs(events: TraceEvent[], names: readonly string[]): number {
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  return (
    events
      .filter((e) => e.ph === 'X' && names.includes(e.name) && mains.has(`${e.pid}:${e.tid}`))
      .reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0), 0) / 1000
  );
}

/** Share of the deepest mark's pixels that look like the highlight over white (pale yellow). */
async function deepMarkYellow(page: Page): Promise<number> {
  const box = await page.evaluate(() => {
    const ranges = (window as unknown as { __ranges: Range[] }).__ranges;
    const range = ranges[ranges.length - 1] as Range;
    range.startContainer.parentElement?.scrollIntoView({ block: 'center' });
    const rect = range.getClientRects()[0] as DOMRect;
    return { x: rect.x, y: rect.y, width: Math.min(rect.width, 200), height: rect.height };
  });
  await page.evaluate('frame()');
  const png = await page.screenshot({ clip: box, type: 'png' });
  return yellowShare(png);
}

/** Decodes a PNG screenshot with the page itself (a canvas) and counts pale-yellow pixels. */
let decoder: Page | undefined;
async function yellowShare(png: Buffer): Promise<number> {
  if (!decoder) throw new Error('no decoder page');
  return decoder.evaluate(async (base64) => {
    const image = await createImageBitmap(
      await (await fetch(`data:image/png;base64,${base64}`)).blob(),
    );
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    let yellow = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
      if (r > 235 && g > 215 && g < 250 && b > 120 && b < 200) yellow++;
    }
    return yellow / (data.length / 4);
  }, png.toString('base64'));
}

async function measure(page: Page, variant: Variant) {
  const { setup, step } = VARIANTS[variant];
  await page.evaluate(HELPERS);
  await page.addScriptTag({ content: highlighterBundle });
  if (setup) await page.evaluate(setup);
  await page.evaluate('frame().then(frame)');
  await sleep(300);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Tracing.start', {
      traceConfig: { includedCategories: ['devtools.timeline'] },
      transferMode: 'ReturnAsStream',
    });
    await page.evaluate(`(async () => {
      await frame();
      ${step};
      window.__ranges ??= marks();
      CSS.highlights.set('flywheel', new Highlight(...window.__ranges));
      await frame(); await frame(); await frame();
    })()`);
    const events = await readTrace(cdp);
    return {
      style: threadMs(events, ['UpdateLayoutTree', 'RecalcStyle']),
      layout: threadMs(events, ['Layout']),
      paint: threadMs(events, ['Paint', 'PrePaint']),
      yellow: await deepMarkYellow(page),
    };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

let highlighterBundle = '';

async function main() {
  // The highlighter's own CSS builder, as the content script has it.
  const bundle = await build({
    stdin: {
      contents: "export { highlightCss } from './entrypoints/content-script/highlighter';",
      resolveDir: REPO_ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'flywheelHighlighter',
    write: false,
  });
  highlighterBundle = bundle.outputFiles[0]?.text ?? '';
  const rounds = Number(process.argv[2] ?? 5);
  const html = largeIntranetPage();
  const server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/large.html`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    decoder = await context.newPage();
    const names = (process.argv[3]?.split(',') ?? Object.keys(VARIANTS)) as Variant[];
    const figures = Object.fromEntries(
      names.map((n) => [
        n,
        {
          style: [] as number[],
          layout: [] as number[],
          paint: [] as number[],
          yellow: [] as number[],
        },
      ]),
    ) as Record<Variant, Record<'style' | 'layout' | 'paint' | 'yellow', number[]>>;
    for (let r = -1; r < rounds; r++) {
      const order = names.map((_, i) => names[(i + Math.max(r, 0)) % names.length] as Variant);
      for (const variant of order) {
        const page = await context.newPage();
        try {
          await page.goto(url, { waitUntil: 'load' });
          const sample = await measure(page, variant);
          if (r >= 0)
            for (const k of ['style', 'layout', 'paint', 'yellow'] as const) {
              figures[variant][k].push(sample[k]);
            }
        } finally {
          await page.close();
        }
      }
    }
    console.log(
      `${rounds} rounds; ms of renderer main-thread time (tdur), median (min–max); yellow = share of the deepest mark's pixels in the highlight colour`,
    );
    for (const n of names) {
      const f = figures[n];
      console.log(
        `${n.padEnd(18)} style ${formatSpread(spread(f.style)).padEnd(20)} layout ${formatSpread(spread(f.layout)).padEnd(18)} paint ${formatSpread(spread(f.paint)).padEnd(18)} yellow ${formatSpread(spread(f.yellow), 2)}`,
      );
    }
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
