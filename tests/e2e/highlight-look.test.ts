/// <reference types="chrome" />
// What a person sees of a mark deep in a long page: the highlight's colour on screen, in a
// Chromium screenshot, after the page changes around it and after it throws away the
// highlighter's style sheet. (The style is a rule per marked element, highlighter.ts.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import {
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';

let browser: ExtensionBrowser;
let site: StaticServer;
let liveDir: string;
/** A page without the extension's content script, to decode screenshots in. */
let decoder: Page;

beforeAll(async () => {
  liveDir = await mkdtemp(join(tmpdir(), 'flywheel-look-'));
  site = await startStaticServer({ '/live/': liveDir });
  browser = await launchWithExtension();
  decoder = await browser.context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (liveDir) await rm(liveDir, { recursive: true, force: true });
});

const MARKED = 'Book the night train to Basel';
const UNMARKED = 'Keep every ticket for the audit';

/** A long procedure: the marked words in an <em>, nine levels down, far below the fold. */
function deepPage(): string {
  const filler = Array.from(
    { length: 60 },
    (_, i) => `<p>Step ${i + 1}: ask the travel desk and wait for its answer.</p>`,
  ).join('\n');
  let body = `<ol><li>Before you leave: <em>${MARKED}</em>, then tell your manager.</li>
<li>After you return: <em>${UNMARKED}</em>, then file the claim.</li></ol>`;
  for (let depth = 0; depth < 8; depth++) body = `<div class="level${depth}">${body}</div>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Travel</title>
<style>body { font: 18px/1.6 sans-serif; margin: 40px; background: #fff; color: #111; }</style>
</head><body><main><h1>Travel procedure</h1><section id="steps">${filler}${body}</section></main></body></html>`;
}

/** Where some words are drawn (in one text node, on one line), scrolled into view. */
async function wordsBox(page: Page, words: string) {
  const box = await page.evaluate((text) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = (node as Text).data.indexOf(text);
      if (at < 0) continue;
      node.parentElement?.scrollIntoView({ block: 'center' });
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const { x, y, width, height } = range.getBoundingClientRect();
      return { x, y, width, height };
    }
    return null;
  }, words);
  if (!box) throw new Error(`"${words}" is not on the page`);
  return box;
}

/**
 * The share of the words' pixels in the marks' colour: rgb(250 204 21 / 0.4) over white is
 * about rgb(253 235 161).
 */
async function highlightShare(page: Page, words: string): Promise<number> {
  const box = await wordsBox(page, words);
  const png = await page.screenshot({ clip: box, type: 'png' });
  return decoder.evaluate(async (base64) => {
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
  }, png.toString('base64'));
}

const markCount = (page: Page) => page.evaluate(() => CSS.highlights.get('flywheel')?.size ?? 0);

describe('the look of a mark deep in a long page', () => {
  it('shows the highlight colour on the marked words only, after page changes too', async () => {
    await writeFile(join(liveDir, 'deep.html'), deepPage());
    const page = await browser.context.newPage();
    await page.goto(site.url('/live/deep.html'));
    // A person selects the words and suggests something.
    const box = await wordsBox(page, MARKED);
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 1, y, { steps: 8 });
    await page.mouse.up();
    expect(await page.evaluate(() => document.getSelection()?.toString())).toBe(MARKED);
    await clickLauncher(page);
    const editor = await editorFrame(page);
    await page.keyboard.type('Say which trains the desk books');
    await editor.getByRole('combobox', { name: 'Category' }).selectOption('unclear');
    await editor.getByRole('button', { name: 'Submit' }).click();
    await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    await page.keyboard.press('Escape');
    await waitFor(
      async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the editor',
    );

    await page.reload();
    await expect.poll(() => markCount(page), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => highlightShare(page, MARKED), { timeout: 5_000 }).toBeGreaterThan(0.3);
    // The same kind of words one line below, not marked: none of the colour.
    expect(await highlightShare(page, UNMARKED)).toBeLessThan(0.02);

    // The page puts new elements before the marked one at every level it sits in (each of its
    // ancestors now has another place among its siblings): the mark keeps its colour.
    await page.evaluate(() => {
      for (let e = document.querySelector('em')?.parentElement; e && e !== document.body; ) {
        const parent: HTMLElement | null = e.parentElement;
        e.before(document.createElement('span'));
        e = parent;
      }
      document.querySelector('em')?.before(document.createElement('span'));
    });
    await expect.poll(() => highlightShare(page, MARKED), { timeout: 5_000 }).toBeGreaterThan(0.3);
    expect(await highlightShare(page, UNMARKED)).toBeLessThan(0.02);

    // The page throws away every adopted style sheet, then changes: the colour comes back.
    await page.evaluate(() => {
      document.adoptedStyleSheets = [];
      document.body.append(document.createElement('div'));
    });
    await expect.poll(() => highlightShare(page, MARKED), { timeout: 5_000 }).toBeGreaterThan(0.3);
    await page.close();
  });
});
