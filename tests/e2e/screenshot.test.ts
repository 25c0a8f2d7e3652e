/// <reference types="chrome" />
// Attach screenshot, as a person does it: select a step, open the editor, attach a screenshot,
// black out a part of it, submit; the endpoint stores the picture (blacked out, within the
// limit) apart from the document and serves it at `<annotation IRI>/screenshot`, with the
// page context, and the triage page shows both.
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { LIMITS } from '../../utils/protocol/vocabulary';
import {
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR, EXTENSION_DIR } from './support/paths';

let browser: ExtensionBrowser;
let site: StaticServer;
let server: RunningServer;
let copy: string;

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR });
  server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
  // Chromium captures a tab for an extension the person invoked on it (toolbar button,
  // shortcut: activeTab, which no script can grant) or one with access to all sites. This copy
  // of the build has the latter, as a person or an organisation can grant it; the launcher's
  // editor then captures without a trip to the toolbar.
  copy = await mkdtemp(join(tmpdir(), 'flywheel-screenshot-ext-'));
  await cp(EXTENSION_DIR, copy, { recursive: true });
  const manifestFile = join(copy, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  manifest.host_permissions = [...manifest.host_permissions, '<all_urls>'];
  await writeFile(manifestFile, JSON.stringify(manifest));
  browser = await launchWithExtension({ extensionDir: copy });
  const options = await browser.context.newPage();
  await options.goto(browser.extensionUrl('options.html'));
  await options
    .getByRole('textbox', { name: 'Endpoint URL' })
    .fill(server.containerUrl.replace(/\/$/, ''));
  await options.getByRole('textbox', { name: 'Display name' }).fill('Sam Jansen');
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await options.close();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await server?.database.close();
  await site?.close();
  if (copy) await rm(copy, { recursive: true, force: true });
});

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** axe-core's violations in the editor's own document (evaluated through DevTools). */
async function axeViolations(frame: Frame): Promise<string[]> {
  await frame.evaluate(AXE_SOURCE);
  return frame.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (c: Document) => Promise<{
            violations: { id: string; help: string; nodes: { target: unknown }[] }[];
          }>;
        };
      }
    ).axe;
    return (await axe.run(document)).violations.map(
      (v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
  });
}

interface StoredDocument {
  body: { type: string; id?: string; value?: string; format?: string; purpose?: string }[];
  anonymous?: boolean;
  creator?: { name: string };
  pageContext?: {
    url: string;
    title?: string;
    browser?: { name: string; version: string };
    viewport?: { width: number; height: number };
    time: string;
  };
}

async function storedDocument(
  text: string,
): Promise<(StoredDocument & { annotationId: string }) | undefined> {
  const rows = await server.database.query<{ id: string; document: StoredDocument }>(
    `SELECT id, document FROM annotations WHERE document->'body'->0->>'value' = $1`,
    [text],
  );
  return rows[0] && { ...rows[0].document, annotationId: rows[0].id };
}

/** The mean brightness (0-255) of a part of an image, each part given as fractions of it. */
async function brightness(
  page: Page,
  iri: string,
  parts: [number, number, number, number][],
): Promise<{ width: number; height: number; means: number[] }> {
  return page.evaluate(
    async ({ iri, parts }) => {
      const image = new Image();
      image.src = iri;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      context.drawImage(image, 0, 0);
      const means = parts.map(([x, y, width, height]) => {
        const data = context.getImageData(
          Math.round(x * canvas.width),
          Math.round(y * canvas.height),
          Math.max(1, Math.round(width * canvas.width)),
          Math.max(1, Math.round(height * canvas.height)),
        ).data;
        let sum = 0;
        for (let i = 0; i < data.length; i += 4) {
          sum += ((data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0)) / 3;
        }
        return sum / (data.length / 4);
      });
      return { width: canvas.width, height: canvas.height, means };
    },
    { iri, parts },
  );
}

describe('a screenshot with a suggestion', () => {
  it('is attached, blacked out in part, sent within the limit with the page context, and shown in triage', async () => {
    const text = `Show who signs when the manager is away ${Date.now()}`;
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.goto(site.url('/purchase-order.html'));
    await page
      .getByText('Print the form and ask your manager to sign it.')
      .click({ clickCount: 3 });
    await clickLauncher(page);
    const editor = await editorFrame(page);
    await page.keyboard.type(text);

    const pressed = performance.now();
    await editor.getByRole('button', { name: 'Attach screenshot' }).click();
    const preview = editor.getByRole('img', { name: 'Screenshot preview' });
    await preview.waitFor();
    const captureMs = Math.round(performance.now() - pressed);
    // The page never sees the picture: no image or canvas of Flywheel's in its DOM.
    expect(await page.evaluate(() => document.querySelectorAll('canvas, img').length)).toBe(0);

    // Black out the left third of the preview, top to bottom, by dragging across it.
    await preview.scrollIntoViewIfNeeded();
    const box = await preview.boundingBox();
    if (!box) throw new Error('The preview is not drawn');
    await page.mouse.move(box.x + 1, box.y + 1);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 6, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width / 3, box.y + box.height - 1, { steps: 4 });
    await page.mouse.up();
    await waitFor(
      () => editor.getByRole('button', { name: 'Undo black-out' }).isEnabled(),
      'the black-out to be kept',
    );

    // What travels with it is shown before it is sent.
    await editor.getByText('Sent with your suggestion').click();
    expect(await axeViolations(editor)).toEqual([]);
    expect(await editor.locator('details.context').textContent()).toContain(
      site.url('/purchase-order.html'),
    );

    await editor.getByRole('combobox', { name: 'Category' }).selectOption('missing-step');
    await editor.getByRole('button', { name: 'Submit' }).click();
    await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();

    let found: (StoredDocument & { annotationId: string }) | undefined;
    await waitFor(
      async () => {
        found = await storedDocument(text);
        return found !== undefined;
      },
      'the suggestion at the endpoint',
      20_000,
    );
    const stored = found as StoredDocument & { annotationId: string };
    const image = stored.body.find((body) => body.type === 'Image');
    expect(image?.purpose).toBeUndefined();
    expect(image?.format).toMatch(/^image\/(webp|jpeg)$/);
    // The document keeps no copy of the picture: it is served from its own IRI.
    expect(image?.id).toBeUndefined();
    const picture = await fetch(`${server.containerUrl}${stored.annotationId}/screenshot`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe(image?.format);
    const sent = Buffer.from(await picture.arrayBuffer());
    const iri = `data:${image?.format};base64,${sent.toString('base64')}`;
    const bytes = sent.length;
    expect(bytes).toBeGreaterThan(500);
    expect(bytes).toBeLessThanOrEqual(LIMITS.screenshotBytes);
    console.log(`screenshot: preview ${captureMs} ms after the press; sent ${bytes} bytes`);

    // Decoded: the part dragged over is black, the rest is the (light) page.
    const pixels = await brightness(page, iri, [
      [0.03, 0.1, 0.25, 0.8],
      [0.45, 0.05, 0.5, 0.9],
    ]);
    // Cropped to the selected step with a margin, not the whole 1000 x 700 view.
    expect(pixels.width).toBeGreaterThan(200);
    expect(pixels.width).toBeLessThan(700);
    expect(pixels.height).toBeLessThan(350);
    expect(pixels.means[0]).toBeLessThan(25);
    expect(pixels.means[1]).toBeGreaterThan(120);

    // The page context: the page, the browser's name and major version only, the viewport.
    const context = stored.pageContext;
    expect(context?.url).toBe(site.url('/purchase-order.html'));
    expect(context?.title).toBe('Raising a purchase order');
    expect(context?.browser?.name).toMatch(/Chrom/);
    expect(context?.browser?.version).toMatch(/^\d+$/);
    expect(context?.viewport?.width).toBeGreaterThan(500);
    expect(Date.parse(context?.time ?? '')).toBeGreaterThan(Date.now() - 120_000);
    await page.close();

    // The process owner sees the picture and the context on the triage page.
    const triage = await browser.context.newPage();
    await triage.goto(`${server.url}/triage`);
    const article = triage.getByRole('article').filter({ hasText: text });
    const shown = article.getByRole('img', { name: /Screenshot of the page/ });
    await shown.waitFor();
    expect(await shown.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(
      pixels.width,
    );
    expect(await article.textContent()).toContain('Raising a purchase order');
    expect(await article.textContent()).toContain(context?.browser?.version ?? 'none');
    await triage.close();
  });

  it('keeps the screenshot with the draft across a reload, and removes it when asked', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.url('/purchase-order.html'));
    await page
      .getByText('Scan the signed form and send it to procurement by email.')
      .click({ clickCount: 3 });
    await clickLauncher(page);
    let editor = await editorFrame(page);
    await editor.getByRole('button', { name: 'Attach screenshot' }).click();
    await editor.getByRole('img', { name: 'Screenshot preview' }).waitFor();

    await page.reload();
    await clickLauncher(page);
    editor = await editorFrame(page);
    await editor.getByRole('img', { name: 'Screenshot preview' }).waitFor();
    await editor.getByRole('button', { name: 'Remove screenshot' }).click();
    await editor.getByRole('button', { name: 'Attach screenshot' }).waitFor();
    expect(await editor.getByRole('img', { name: 'Screenshot preview' }).count()).toBe(0);
    await page.close();
  });

  it('from the launcher alone, says to use the toolbar button, and keeps the draft', async () => {
    // The build as it ships: access to the configured site only, no activeTab grant.
    const plain = await launchWithExtension();
    try {
      const page = await plain.context.newPage();
      await page.goto(site.url('/purchase-order.html'));
      await page.getByText('Fill in form PO-7').click({ clickCount: 3 });
      await clickLauncher(page);
      const editor = await editorFrame(page);
      await page.keyboard.type('Name the cost centre owner');
      await editor.getByRole('button', { name: 'Attach screenshot' }).click();
      await editor.getByRole('alert').filter({ hasText: 'toolbar button' }).waitFor();
      expect(await editor.getByRole('img', { name: 'Screenshot preview' }).count()).toBe(0);
      expect(await editor.getByRole('textbox', { name: 'Suggestion' }).inputValue()).toBe(
        'Name the cost centre owner',
      );
    } finally {
      await plain.close();
    }
  });
});
