// The highlighter's style in Firefox ESR: its rules name the elements that hold the marked text
// (highlighter.ts), so they need no highlight inheritance, which Firefox ESR lacks (a
// `:root::highlight()` rule paints nothing in its descendants there). Checked on screen: a
// screenshot of the marked words, nested elements included, in the highlight colour.
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/support/paths';
import { type FirefoxWithExtension, launchFirefoxWithExtension } from './browser';

let firefox: FirefoxWithExtension;
let highlighter = '';

beforeAll(async () => {
  const bundle = await build({
    stdin: {
      contents: "export { highlightCss } from './entrypoints/content-script/highlighter';",
      resolveDir: join(REPO_ROOT),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'flywheelHighlighter',
    write: false,
  });
  highlighter = bundle.outputFiles[0]?.text ?? '';
  firefox = await launchFirefoxWithExtension();
});
afterAll(async () => {
  await firefox?.close();
});

const PAGE = `<!doctype html><html><body style="font: 20px/1.6 sans-serif; margin: 20px; background: #fff; color: #111">
<main><section><div><p id="marked">Book the <em>night <strong>train</strong> to</em> Basel</p></div>
<p id="plain">Keep every ticket for the audit</p></section></main></body></html>`;

/** Marks the contents of #marked with the CSS `css` builds, as the highlighter would. */
async function mark(page: Page, css: 'highlighter' | 'root'): Promise<void> {
  await page.setContent(PAGE);
  await page.addScriptTag({ content: highlighter });
  await page.evaluate((which) => {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById('marked') as HTMLElement);
    const look = 'background-color: rgb(250 204 21 / 0.4);';
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(
      which === 'root'
        ? `:root::highlight(flywheel) { ${look} }`
        : (
            globalThis as unknown as {
              flywheelHighlighter: { highlightCss: (ranges: Range[]) => string };
            }
          ).flywheelHighlighter.highlightCss([range]),
    );
    document.adoptedStyleSheets = [sheet];
    CSS.highlights.set('flywheel', new Highlight(range));
  }, css);
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/** The share of an element's text box in the marks' colour over white (about 253 235 161). */
async function highlightShare(page: Page, selector: string, words: string): Promise<number> {
  const box = await page.evaluate(
    (at, text) => {
      const element = document.querySelector(at) as HTMLElement;
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if ((node as Text).data !== text) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const { x, y, width, height } = range.getBoundingClientRect();
        return { x, y, width, height };
      }
      throw new Error(`no "${text}" in ${at}`);
    },
    selector,
    words,
  );
  const png = await page.screenshot({ clip: box, encoding: 'base64' });
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d') as CanvasRenderingContext2D;
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    let marked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
      if (Math.abs(r - 253) <= 6 && Math.abs(g - 235) <= 10 && Math.abs(b - 161) <= 14) marked++;
    }
    return marked / (data.length / 4);
  }, png as string);
}

describe('the look of a mark in Firefox ESR', () => {
  it('paints the marked words in the highlight colour, in nested elements too', async () => {
    const page = await firefox.browser.newPage();
    await mark(page, 'highlighter');
    for (const [at, words] of [
      ['#marked', 'Book the '],
      ['#marked em', 'night '],
      ['#marked strong', 'train'],
      ['#marked', ' Basel'],
    ] as const) {
      expect(await highlightShare(page, at, words), words).toBeGreaterThan(0.3);
    }
    expect(await highlightShare(page, '#plain', 'Keep every ticket for the audit')).toBeLessThan(
      0.02,
    );
    // What a rule on the root alone would show here (not asserted: Firefox may add highlight
    // inheritance one day).
    await mark(page, 'root');
    console.info(
      `Firefox ESR, :root::highlight() only: ${(await highlightShare(page, '#marked strong', 'train')).toFixed(2)} of the nested words in the colour`,
    );
    await page.close();
  });
});
