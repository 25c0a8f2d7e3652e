// The screenshot with a suggestion: crop maths, black-out in the pixels that are sent, the size
// limit, the wire's schema, the page context's anonymity, and the background's handlers (policy
// off refuses; the draft keeps it; submit sends it blacked out, with the context).
import * as v from 'valibot';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { createCapture } from '@/entrypoints/background/capture';
import { createRouter } from '@/entrypoints/background/router';
import {
  compressToLimit,
  createScreenshots,
  editorBox,
  type ScreenshotApi,
} from '@/entrypoints/background/screenshot';
import { EditorSessions } from '@/entrypoints/background/tab-store';
import { FlywheelDatabase } from '@/utils/background/db';
import { toAnnotation } from '@/utils/background/sync/annotation';
import { IncomingSuggestionSchema } from '@/utils/protocol/annotation';
import { LIMITS } from '@/utils/protocol/vocabulary';
import {
  blackOut,
  browserOf,
  CROP_MARGIN,
  contextToSend,
  cropRect,
  fitsScreenshotLimit,
  MIN_CROP,
  type SentScreenshot,
  scaleRect,
} from '@/utils/shared/screenshot';
import type { Suggestion } from '@/utils/shared/suggestion';

const PAGE = 'http://127.0.0.1:8080/process/purchase-order.html';

describe('crop maths', () => {
  const viewport = { width: 1000, height: 800 };

  it('keeps the target with a margin, in the picture’s pixels (device pixel ratio 2)', () => {
    const image = { width: 2000, height: 1600 };
    const target = { x: 300, y: 200, width: 400, height: 100 };
    // 400 x 100 plus the margin is larger than the smallest crop: only the margin is added.
    expect(cropRect(target, viewport, image)).toEqual({
      x: (300 - CROP_MARGIN) * 2,
      y: (200 - CROP_MARGIN) * 2,
      width: (400 + 2 * CROP_MARGIN) * 2,
      height: (100 + 2 * CROP_MARGIN) * 2,
    });
  });

  it('grows a small target to the smallest crop around its centre', () => {
    const crop = cropRect({ x: 500, y: 400, width: 10, height: 10 }, viewport, viewport);
    expect(crop.width).toBe(MIN_CROP.width);
    expect(crop.height).toBe(MIN_CROP.height);
    expect(crop.x + crop.width / 2).toBeCloseTo(505, 0);
    expect(crop.y + crop.height / 2).toBeCloseTo(405, 0);
  });

  it('stays inside the picture at its edges', () => {
    const crop = cropRect({ x: -20, y: 760, width: 200, height: 100 }, viewport, viewport);
    expect(crop.x).toBe(0);
    expect(crop.y + crop.height).toBeLessThanOrEqual(800);
    expect(crop.y).toBeGreaterThan(600);
  });

  it('keeps the whole picture without a target, or with one out of view', () => {
    const whole = { x: 0, y: 0, width: 1000, height: 800 };
    expect(cropRect(null, viewport, viewport)).toEqual(whole);
    expect(cropRect({ x: 10, y: 2_000, width: 100, height: 20 }, viewport, viewport)).toEqual(
      whole,
    );
  });

  it('scales masks outward, so nothing they covered shows at another size', () => {
    expect(scaleRect({ x: 3, y: 3, width: 3, height: 3 }, 0.5)).toEqual({
      x: 1,
      y: 1,
      width: 2,
      height: 2,
    });
  });

  it('puts Flywheel’s own editor frame, where it shows in the crop, under a mask', () => {
    const measured = {
      target: { x: 100, y: 100, width: 200, height: 50 },
      viewport,
      editor: { x: 600, y: 236, width: 400, height: 500 },
    };
    const area = { x: 52, y: 52, width: 800, height: 300 };
    expect(editorBox(measured, viewport, area, { width: 400, height: 150 })).toEqual({
      x: (600 - 52) / 2,
      y: (236 - 52) / 2,
      width: (852 - 600) / 2,
      height: (352 - 236) / 2,
    });
    expect(editorBox({ ...measured, editor: undefined }, viewport, area, area)).toBeNull();
  });
});

describe('black-out', () => {
  it('makes the masked pixels opaque black and leaves the others as they were', () => {
    const size = { width: 4, height: 3 };
    const pixels = new Uint8ClampedArray(4 * 3 * 4).fill(200);
    blackOut(pixels, size, [{ x: 1, y: 1, width: 2, height: 5 }]);
    const at = (x: number, y: number) => [...pixels.slice((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)];
    expect(at(1, 1)).toEqual([0, 0, 0, 255]);
    expect(at(2, 2)).toEqual([0, 0, 0, 255]);
    expect(at(0, 1)).toEqual([200, 200, 200, 200]);
    expect(at(3, 1)).toEqual([200, 200, 200, 200]);
    expect(at(1, 0)).toEqual([200, 200, 200, 200]);
  });

  it('takes a rectangle dragged backwards, and ignores one outside the picture', () => {
    const size = { width: 3, height: 3 };
    const pixels = new Uint8ClampedArray(3 * 3 * 4).fill(255);
    blackOut(pixels, size, [
      { x: 3, y: 3, width: -1, height: -1 },
      { x: 10, y: 10, width: 5, height: 5 },
    ]);
    const black = [...Array(9).keys()].filter((i) => pixels[i * 4] === 0);
    expect(black).toEqual([8]);
  });
});

describe('the size limit', () => {
  const base64Of = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

  it('knows what fits LIMITS.screenshotBytes', () => {
    expect(fitsScreenshotLimit(base64Of(LIMITS.screenshotBytes))).toBe(true);
    expect(fitsScreenshotLimit(base64Of(LIMITS.screenshotBytes + 1))).toBe(false);
  });

  it('compresses harder until the picture fits', async () => {
    const tries: [number, number][] = [];
    const encoded = await compressToLimit(async (scale, quality) => {
      tries.push([scale, quality]);
      const bytes = scale * quality > 0.4 ? LIMITS.screenshotBytes * 2 : 1_000;
      return { format: 'image/webp', data: base64Of(bytes), width: 10, height: 10 };
    });
    expect(encoded.data.length).toBeLessThan(2_000);
    expect(tries.length).toBeGreaterThan(1);
    const [scale, quality] = tries.at(-1) ?? [1, 1];
    expect(scale * quality).toBeLessThanOrEqual(0.4);
  });

  it('refuses with a clear message when nothing fits', async () => {
    const tooBig = async (): Promise<SentScreenshot> => ({
      format: 'image/jpeg',
      data: base64Of(LIMITS.screenshotBytes + 10),
      width: 10,
      height: 10,
    });
    await expect(compressToLimit(tooBig)).rejects.toThrow('errorScreenshotTooLarge');
    const messages = (await import('@/public/_locales/en/messages.json')).default as Record<
      string,
      { message: string }
    >;
    expect(messages.errorScreenshotTooLarge?.message).toMatch(/too large.*300 KB/);
  });
});

describe('the wire: a screenshot body and the page context', () => {
  const annotation = (extra: object = {}, bodies: object[] = []) => ({
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    type: 'Annotation',
    motivation: 'editing',
    body: [{ type: 'TextualBody', value: 'Merge steps 3 and 4', purpose: 'editing' }, ...bodies],
    target: PAGE,
    ...extra,
  });
  const image = (base64 = Buffer.from('webp bytes').toString('base64'), format = 'image/webp') => ({
    type: 'Image',
    id: `data:${format};base64,${base64}`,
    format,
  });
  const context = {
    url: PAGE,
    title: 'Purchase order',
    browser: { name: 'Chromium', version: '156' },
    viewport: { width: 1200, height: 800 },
    time: '2026-12-02T10:00:00.000Z',
  };
  const issues = (value: unknown) =>
    (v.safeParse(IncomingSuggestionSchema, value).issues ?? []).map((issue) => issue.message);

  it('accepts an Image body with a data: IRI, and the page context', () => {
    expect(issues(annotation({ pageContext: context }, [image()]))).toEqual([]);
  });

  it('refuses an image over the limit, with the limit in the message', () => {
    const big = Buffer.alloc(LIMITS.screenshotBytes + 3, 1).toString('base64');
    expect(issues(annotation({}, [image(big)])).join(' ')).toContain('at most 300 KB');
  });

  it('refuses a body that is not a base64 data: IRI, a format that does not match, or two images', () => {
    expect(
      issues(annotation({}, [{ ...image(), id: 'https://elsewhere.example/x.png' }])),
    ).not.toEqual([]);
    expect(issues(annotation({}, [{ ...image(), id: 'data:text/html;base64,PGI+' }]))).not.toEqual(
      [],
    );
    expect(issues(annotation({}, [{ ...image(), format: 'image/png' }])).join(' ')).toContain(
      'media type',
    );
    expect(issues(annotation({}, [image(), image()])).join(' ')).toContain('at most one');
  });

  it('refuses a page context with a user agent string for a browser version', () => {
    const agent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0.7000.1';
    expect(
      issues(
        annotation({ pageContext: { ...context, browser: { name: 'Chromium', version: agent } } }),
      ),
    ).not.toEqual([]);
    expect(
      issues(annotation({ pageContext: { ...context, url: 'file:///etc/passwd' } })),
    ).not.toEqual([]);
  });

  it('is what toAnnotation sends: the image as a second body, the context rounded if anonymous', () => {
    const suggestion: Suggestion = {
      id: crypto.randomUUID(),
      pageUrl: PAGE,
      pageTitle: 'Purchase order',
      text: 'Merge steps 3 and 4',
      category: 'simplify',
      anonymous: true,
      quote: '',
      selectors: [],
      syncState: 'queued',
      createdAt: 0,
      updatedAt: 0,
      screenshot: { format: 'image/webp', data: 'AAAA', width: 2, height: 2 },
      pageContext: { ...context, viewport: { width: 1234, height: 789 } },
    };
    const sent = toAnnotation(suggestion, 'Sam Jansen');
    expect(issues(sent)).toEqual([]);
    expect(sent.body).toEqual([
      expect.objectContaining({ type: 'TextualBody', purpose: 'editing' }),
      {
        type: 'Image',
        id: 'data:image/webp;base64,AAAA',
        format: 'image/webp',
      },
    ]);
    expect(sent.creator).toBeUndefined();
    expect(sent.pageContext?.viewport).toEqual({ width: 1200, height: 700 });
    expect(JSON.stringify(sent)).not.toContain('Sam');
    // Named: the viewport as it was.
    expect(toAnnotation({ ...suggestion, anonymous: false }, 'Sam').pageContext?.viewport).toEqual({
      width: 1234,
      height: 789,
    });
  });
});

describe('the browser, as the context names it', () => {
  const agent =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.7400.12 Safari/537.36';

  it('is a name and a major version, never the user agent string', () => {
    const brands = [
      { brand: 'Not A;Brand', version: '99' },
      { brand: 'Chromium', version: '156' },
    ];
    expect(browserOf(brands, agent)).toEqual({ name: 'Chromium', version: '156' });
    expect(browserOf(undefined, agent)).toEqual({ name: 'Chromium', version: '156' });
    expect(browserOf(undefined, agent, { name: 'Firefox', version: '153.0.1esr' })).toEqual({
      name: 'Firefox',
      version: '153',
    });
  });

  it('rounds an anonymous suggestion’s viewport, and keeps a named one’s', () => {
    const context = {
      url: PAGE,
      time: '2026-12-02T10:00:00.000Z',
      viewport: { width: 1366, height: 657 },
    };
    expect(contextToSend(context, true).viewport).toEqual({ width: 1300, height: 600 });
    expect(contextToSend(context, false)).toBe(context);
  });
});

// ── The background's handlers, with the browser's capture and canvas faked ─────────────────
const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
function pageSender(): Browser.runtime.MessageSender {
  return { id: self.id, tab: { id: 7, url: PAGE } as Browser.tabs.Tab, frameId: 0, url: PAGE };
}
function editorSender(): Browser.runtime.MessageSender {
  return {
    id: self.id,
    tab: { id: 7, url: PAGE } as Browser.tabs.Tab,
    frameId: 3,
    url: `${self.origin}editor.html`,
    documentId: 'doc-1',
  } as Browser.runtime.MessageSender;
}

function setup(allowScreenshot?: boolean) {
  const db = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
  const sessions = new EditorSessions();
  const policy = async () => (allowScreenshot === undefined ? {} : { allowScreenshot });
  const encoded: { masks: unknown[]; scale: number }[] = [];
  const api: ScreenshotApi = {
    tab: async () => ({ windowId: 1, active: true, width: 1280, height: 720 }),
    measure: async () => ({
      target: { x: 100, y: 100, width: 200, height: 40 },
      viewport: { width: 1280, height: 720 },
    }),
    capture: vi.fn(async () => 'data:image/png;base64,AAAA'),
    crop: async (_image, area) => ({
      image: 'data:image/webp;base64,BBBB',
      width: area.width,
      height: area.height,
    }),
    encode: async (draft, scale) => {
      encoded.push({ masks: draft.masks, scale });
      return { format: 'image/webp', data: 'CCCC', width: draft.width, height: draft.height };
    },
    browser: async () => ({ name: 'Chromium', version: '156' }),
  };
  // The capture's size comes from the picture itself: faked here as a 1280x720 one.
  vi.stubGlobal('createImageBitmap', async () => ({ width: 1280, height: 720, close() {} }));
  const screenshots = createScreenshots({
    db,
    api,
    policy,
    session: (context, capability, use) => capture.sessionFor(context, capability, use),
  });
  const capture = createCapture({
    db,
    sessions,
    policy,
    screenshots,
    onSuggestionsChanged: () => {},
    closeEditorInTab: async () => {},
  });
  const route = createRouter({ ...capture.handlers, ...screenshots.handlers }, self);
  const send = (type: string, data: unknown, sender = editorSender()) =>
    route({ type, data }, sender) as Promise<Record<string, unknown>>;
  const openEditor = async () => {
    const { capability } = (await send(
      'openEditor',
      { pageUrl: PAGE, title: 'Purchase order', quote: 'signs', selectors: [] },
      pageSender(),
    )) as { capability: string };
    const state = await send('loadEditor', { capability });
    return { capability, draftId: state.draftId as string, state };
  };
  return { db, api, send, openEditor, encoded };
}

describe('the background’s screenshot', () => {
  beforeEach(() => fakeBrowser.reset());

  it('refuses a capture when the policy says no, and tells the editor to show no button', async () => {
    const { api, send, openEditor } = setup(false);
    const { capability, draftId, state } = await openEditor();
    expect(state.allowScreenshot).toBe(false);
    await expect(send('captureScreenshot', { capability, draftId })).rejects.toThrow(
      'errorScreenshotNotAllowed',
    );
    expect(api.capture).not.toHaveBeenCalled();
  });

  it('keeps the crop with the draft, and sends it blacked out with the page context', async () => {
    const { db, send, openEditor, encoded } = setup();
    const { capability, draftId, state } = await openEditor();
    expect(state.allowScreenshot).toBe(true);
    expect(state.pageContext).toMatchObject({ url: PAGE, viewport: { width: 1280, height: 720 } });
    const shot = await send('captureScreenshot', { capability, draftId });
    expect(shot).toMatchObject({ width: MIN_CROP.width, height: MIN_CROP.height, masks: [] });
    // Opened again (a reload): the draft still has it.
    const again = await openEditor();
    expect(again.draftId).toBe(draftId);
    expect(again.state.screenshot).toMatchObject({ image: 'data:image/webp;base64,BBBB' });

    const mask = { x: 1, y: 2, width: 30, height: 20 };
    await send('saveScreenshotMasks', { capability: again.capability, draftId, masks: [mask] });
    await send('submitSuggestion', {
      capability: again.capability,
      draftId,
      text: 'Say who signs',
      category: 'other',
      anonymous: false,
    });
    expect(encoded[0]?.masks).toEqual([mask]);
    const stored = await db.suggestions.get(draftId);
    expect(stored?.screenshot).toEqual({
      format: 'image/webp',
      data: 'CCCC',
      width: MIN_CROP.width,
      height: MIN_CROP.height,
    });
    expect(stored?.pageContext).toMatchObject({
      url: PAGE,
      browser: { name: 'Chromium', version: '156' },
    });
    // What was sent lives on the suggestion; the draft's copy is gone, and lists carry no picture.
    expect(await db.screenshots.count()).toBe(0);
    const listed = (await send(
      'listSuggestions',
      { offset: 0, limit: 10 },
      { id: self.id, url: `${self.origin}popup.html` },
    )) as { items: Suggestion[] };
    expect(listed.items[0]?.screenshot).toBeUndefined();
  });

  it('sends none once removed', async () => {
    const { db, send, openEditor } = setup();
    const { capability, draftId } = await openEditor();
    await send('captureScreenshot', { capability, draftId });
    await send('removeScreenshot', { capability, draftId });
    await send('submitSuggestion', {
      capability,
      draftId,
      text: 'Say who signs',
      category: 'other',
      anonymous: true,
    });
    expect((await db.suggestions.get(draftId))?.screenshot).toBeUndefined();
  });
});
