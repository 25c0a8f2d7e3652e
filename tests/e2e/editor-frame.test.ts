// The editor frame fits what it shows and keeps clear of the text it is about.
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import {
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  markCentre,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR, TEST_PAGES_DIR } from './support/paths';

let browser: ExtensionBrowser;
let site: StaticServer;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR, '/test/': TEST_PAGES_DIR });
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const EDITOR_HOST = '[data-flywheel-ui="editor"]';

/** Where the editor frame is drawn, as the page (and a person) sees it. */
async function frameBox(page: Page): Promise<Box> {
  const box = await page.locator(EDITOR_HOST).boundingBox();
  if (!box) throw new Error('The editor frame is not drawn');
  return box;
}

/** The frame's box once it has stopped changing (the editor has said how tall it is). */
async function settledBox(page: Page): Promise<Box> {
  let last = await frameBox(page);
  let stableSince = Date.now();
  await waitFor(async () => {
    const now = await frameBox(page);
    if (JSON.stringify(now) !== JSON.stringify(last)) {
      last = now;
      stableSince = Date.now();
    }
    return Date.now() - stableSince > 400;
  }, 'the editor frame to settle');
  return last;
}

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Selects a paragraph as a person does, and answers where the selected text is drawn. */
async function selectText(page: Page, text: string): Promise<Box> {
  await page.getByText(text).click({ clickCount: 3 });
  return page.evaluate(() => {
    const rect = (getSelection() as Selection).getRangeAt(0).getBoundingClientRect();
    return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
  });
}

async function openOn(page: Page, text: string): Promise<{ editor: Frame; selected: Box }> {
  const selected = await selectText(page, text);
  await clickLauncher(page);
  const editor = await editorFrame(page);
  await expect.poll(() => editor.locator('blockquote').textContent()).toContain(text);
  return { editor, selected };
}

async function closeEditor(page: Page) {
  await page.keyboard.press('Escape');
  await waitFor(async () => (await page.locator(EDITOR_HOST).count()) === 0, 'the editor to close');
}

function expectWithinViewport(page: Page, box: Box) {
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
}

describe('the editor frame', () => {
  it('grows with a long suggestion and shrinks once it is sent', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url('/test/placement.html'));
    // A text of its own: the suggestion sent here is marked on it afterwards.
    const { editor, selected } = await openOn(page, 'Fill in the order form online.');
    const start = await settledBox(page);
    // It fits its content: no more than it needs (the old fixed panel was 500 pixels tall).
    const content = await editor.evaluate(() => document.body.getBoundingClientRect().height);
    expect(Math.abs(start.height - (content + 2))).toBeLessThanOrEqual(2);
    expect(intersects(start, selected)).toBe(false);

    await editor.getByRole('textbox', { name: 'Suggestion' }).focus();
    const lines = Array.from({ length: 14 }, (_, i) => `Line ${i + 1}: keep the form digital.`);
    await page.keyboard.insertText(lines.join('\n'));
    await expect
      .poll(async () => (await frameBox(page)).height)
      .toBeGreaterThan(start.height + 100);
    const grown = await settledBox(page);
    expect(intersects(grown, selected)).toBe(false);
    expectWithinViewport(page, grown);

    // No category is preset: Submit says so, puts the choice in front of the person, and
    // keeps the text.
    await editor.getByRole('button', { name: 'Submit' }).click();
    await editor.getByRole('alert').filter({ hasText: 'Choose a category' }).waitFor();
    await expect.poll(() => editor.evaluate(() => document.activeElement?.id)).toBe('category');
    expect(await editor.getByRole('textbox', { name: 'Suggestion' }).inputValue()).toBe(
      lines.join('\n'),
    );
    await editor
      .getByRole('combobox', { name: 'Category' })
      .selectOption({ label: 'Could be simpler' });
    // The alert made it taller: a person clicks once it has stopped moving (while it moves,
    // the editor's visibility guard may hold Submit back for a moment).
    await settledBox(page);
    await editor.getByRole('button', { name: 'Submit' }).click();
    await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    await expect.poll(async () => (await frameBox(page)).height).toBeLessThan(start.height - 100);
    const sent = await settledBox(page);
    const sentContent = await editor.evaluate(() => document.body.getBoundingClientRect().height);
    expect(Math.abs(sent.height - (sentContent + 2))).toBeLessThanOrEqual(2);
    await closeEditor(page);

    // Opened again from its mark, the suggestion's card is as tall as it is, clear of the mark.
    await page.reload();
    const mark = await markCentre(page);
    const markBox = await page.evaluate(() => {
      const range = [...(CSS.highlights.get('flywheel') as unknown as Set<Range>)][0] as Range;
      const rect = range.getBoundingClientRect();
      return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
    });
    await page.mouse.click(mark.x, mark.y);
    const card = await editorFrame(page);
    await card.getByText('Line 1: keep the form digital.', { exact: false }).waitFor();
    const cardBox = await settledBox(page);
    const cardContent = await card.evaluate(() => document.body.getBoundingClientRect().height);
    expect(Math.abs(cardBox.height - (cardContent + 2))).toBeLessThanOrEqual(2);
    expect(intersects(cardBox, markBox)).toBe(false);
    await closeEditor(page);
    await page.close();
  });

  it('stays clear of the selected text near the top, the bottom and the right edge', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url('/test/placement.html'));
    for (const text of [
      'Print the form and ask your manager to sign it.',
      'Archive the paper copy in the blue folder.',
      'Finance checks the budget code within two days.',
      'Scan the signed form and attach it to the order.',
    ]) {
      const { selected } = await openOn(page, text);
      const box = await settledBox(page);
      expect(intersects(box, selected), `the editor covers "${text}"`).toBe(false);
      expectWithinViewport(page, box);
      await closeEditor(page);
    }
    await page.close();
  });

  it('on a small viewport takes the side with the most room, still clear of the text', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 520, height: 420 });
    await page.goto(site.url('/test/placement.html'));
    for (const text of [
      'Scan the signed form and attach it to the order.',
      'Finance checks the budget code within two days.',
    ]) {
      const { selected } = await openOn(page, text);
      const box = await settledBox(page);
      expect(intersects(box, selected), `the editor covers "${text}"`).toBe(false);
      expectWithinViewport(page, box);
      // Still big enough to use.
      expect(box.width * box.height).toBeGreaterThan(200 * 120);
      await closeEditor(page);
    }
    await page.close();
  });

  it('keeps clear of the text while a part of the page scrolls it', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url('/test/scroller.html'));
    const step = 'Send the signed form to the finance team by internal mail.';
    await page.getByText(step).scrollIntoViewIfNeeded();
    const { selected } = await openOn(page, step);
    const box = await settledBox(page);
    expect(intersects(box, selected)).toBe(false);
    // A person scrolls the page's own scrolling part with the wheel, over the text.
    await page.mouse.move(selected.x + 10, selected.y + selected.height / 2);
    for (const delta of [-250, 150]) {
      await page.mouse.wheel(0, delta);
      await expect.poll(async () => (await frameBox(page)).y).not.toBe(box.y);
      const after = await settledBox(page);
      const moved = await page.evaluate(() => {
        const rect = (getSelection() as Selection).getRangeAt(0).getBoundingClientRect();
        return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
      });
      expect(intersects(after, moved), `the editor covers the text after scrolling ${delta}`).toBe(
        false,
      );
      expectWithinViewport(page, after);
    }
    await closeEditor(page);
    await page.close();
  });

  it('ignores a page that posts sizes of its own', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url('/test/placement.html'));
    // What the page's own scripts hear: the editor's sizes must not be among it.
    await page.evaluate(() => {
      const heard: string[] = [];
      (window as unknown as { heard: string[] }).heard = heard;
      window.addEventListener('message', (event) => heard.push(event.origin), true);
    });
    const { editor, selected } = await openOn(
      page,
      'Print the form and ask your manager to sign it.',
    );
    await editor.getByRole('textbox', { name: 'Suggestion' }).focus();
    await page.keyboard.insertText('Two lines\nof text');
    const before = await settledBox(page);
    expect(await page.evaluate(() => (window as unknown as { heard: string[] }).heard)).toEqual([]);
    await page.evaluate(() => {
      const fakes: unknown[] = [
        5_000,
        10,
        { height: 5_000 },
        { flywheelHeight: 5_000 },
        { type: 'resize', height: 10 },
      ];
      for (const fake of fakes) {
        window.postMessage(fake, '*');
        const host = document.querySelector('[data-flywheel-ui="editor"]');
        host?.dispatchEvent(new MessageEvent('message', { data: fake, source: window }));
        // The page cannot reach the frame's window: the frames it has are its own only.
        for (let i = 0; i < window.frames.length; i++) window.frames[i]?.postMessage(fake, '*');
      }
    });
    await page.waitForTimeout(600);
    const after = await frameBox(page);
    expect(after).toEqual(before);
    expect(intersects(after, selected)).toBe(false);
    await closeEditor(page);
    await page.close();
  });
});
