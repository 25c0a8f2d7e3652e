// Screenshot: the editor's "Attach screenshot". The background captures the visible tab (the
// page never sees the picture), crops it to what the suggestion is about, keeps it with the
// draft, and at submit blacks out what the person marked and compresses it to the wire's limit.
import { browser } from 'wxt/browser';
import { UI_HOST_ATTRIBUTE } from '@/utils/anchoring/text-index';
import type { FlywheelDatabase } from '@/utils/background/db';
import { LIMITS } from '@/utils/protocol/vocabulary';
import {
  blackOut,
  browserOf,
  clampRect,
  cropRect,
  fitScale,
  fitsScreenshotLimit,
  MAX_DRAFT_IMAGE_CHARS,
  MAX_DRAFT_SIDE,
  MAX_MASKS,
  type PageContext,
  type Rect,
  type ScreenshotDraft,
  type SentScreenshot,
  type Size,
  scaleRect,
} from '@/utils/shared/screenshot';
import type { Suggestion } from '@/utils/shared/suggestion';
import { type Policy, readPolicy, screenshotAllowed } from './policy';
import { defineHandlers, type RequestContext, RequestError, requireTab } from './router';
import type { EditorSession } from './tab-store';

/** What the page told of itself at capture time (measured in the page, never by the page). */
export interface Measurement {
  /** The selected text's or element's box, in CSS pixels of the viewport; null: not found. */
  target: Rect | null;
  viewport: Size;
  /** Flywheel's own editor frame, in the same pixels. */
  editor?: Rect;
}

/** The browser and canvas work, apart so tests can hand in their own. */
export interface ScreenshotApi {
  tab(
    tabId: number,
  ): Promise<{ windowId: number; active: boolean; width?: number; height?: number }>;
  measure(tabId: number, quote: string, css: string | undefined): Promise<Measurement | null>;
  /** The visible part of the tab, as a PNG `data:` URL. */
  capture(windowId: number): Promise<string>;
  /** The crop of a capture, scaled by `scale`, as a `data:` URL. */
  crop(image: string, area: Rect, scale: number): Promise<{ image: string } & Size>;
  /**
   * The draft's picture scaled by `scale`, its masks blacked out in the pixels, encoded at
   * `quality`: base64 and the format the browser could make.
   */
  encode(draft: ScreenshotDraft, scale: number, quality: number): Promise<SentScreenshot>;
  browser(): Promise<PageContext['browser']>;
}

export interface ScreenshotDeps {
  db: FlywheelDatabase;
  /** Capture's own check of an editor frame's capability. */
  session: (
    context: RequestContext,
    capability: string,
    use: 'act' | 'save',
  ) => Promise<EditorSession>;
  api?: ScreenshotApi;
  policy?: () => Promise<Policy>;
  now?: () => number;
  /** The browser's own reason when a capture or encoding fails (the person gets ours). */
  onError?: (error: unknown) => void;
}

/** Tried in turn until the picture fits the wire's limit: at full scale each lower quality, then smaller scales. */
const SCALES = [1, 0.75, 0.5, 0.35];
const QUALITIES = [0.85, 0.7, 0.55, 0.4];

/**
 * The first encoding that fits LIMITS.screenshotBytes; none fits: `errorScreenshotTooLarge`,
 * which says so in the person's words (they can black out more, which compresses, or remove it).
 */
export async function compressToLimit(
  encode: (scale: number, quality: number) => Promise<SentScreenshot>,
): Promise<SentScreenshot> {
  for (const scale of SCALES) {
    for (const quality of QUALITIES) {
      const encoded = await encode(scale, quality);
      if (fitsScreenshotLimit(encoded.data)) return encoded;
    }
  }
  throw new RequestError('errorScreenshotTooLarge');
}

const CSS_OF = (session: EditorSession) =>
  session.selectors.find((selector) => selector.type === 'CssSelector')?.value;

export function createScreenshots(deps: ScreenshotDeps) {
  const { db } = deps;
  const api = deps.api ?? browserApi;
  const policy = deps.policy ?? readPolicy;
  const now = deps.now ?? Date.now;

  async function draftSession(context: RequestContext, capability: string, draftId: string) {
    const session = await deps.session(context, capability, 'act');
    if (session.draftId !== draftId || session.colleague) {
      throw new RequestError('errorNoEditorSession');
    }
    return session;
  }

  /** The page as the person sees it now (before anonymity rounds it, see contextToSend). */
  async function pageContext(tabId: number, session: EditorSession): Promise<PageContext> {
    const [tab, browserName] = await Promise.all([
      api.tab(tabId).catch(() => undefined),
      api.browser().catch(() => undefined),
    ]);
    return {
      url: session.pageUrl,
      ...(session.pageTitle ? { title: session.pageTitle.slice(0, LIMITS.contextText) } : {}),
      ...(browserName ? { browser: browserName } : {}),
      ...(tab?.width && tab.height ? { viewport: { width: tab.width, height: tab.height } } : {}),
      time: new Date(now()).toISOString(),
    };
  }

  const handlers = defineHandlers({
    async captureScreenshot(data, context) {
      const session = await draftSession(context, data.capability, data.draftId);
      if (!screenshotAllowed(await policy())) throw new RequestError('errorScreenshotNotAllowed');
      const tabId = requireTab(context);
      let draft: ScreenshotDraft;
      try {
        const tab = await api.tab(tabId);
        if (!tab.active) throw new RequestError('errorScreenshotFailed');
        // Where the text or element is now (the page may have scrolled since it was selected).
        const measured = await api.measure(tabId, session.quote, CSS_OF(session)).catch(() => null);
        const shot = await api.capture(tab.windowId).catch((error: unknown) => {
          // The browser lets an extension capture a tab the person invoked it on (the toolbar
          // button, the shortcut: activeTab) or with access to every site; not from the page's
          // own launcher alone. The person is told the way that works.
          if (/activeTab|all_urls/i.test(String(error))) {
            throw new RequestError('errorScreenshotNeedsToolbar');
          }
          throw error;
        });
        const full = await imageSize(shot);
        const area = cropRect(measured?.target, measured?.viewport ?? full, full);
        const cropped = await api.crop(shot, area, fitScale(area, MAX_DRAFT_SIDE));
        // Flywheel's own editor frame, if it shows in the crop, is blacked out from the start.
        const editor = measured?.editor && editorBox(measured, full, area, cropped);
        draft = { ...cropped, masks: editor ? [editor] : [] };
      } catch (error) {
        if (error instanceof RequestError) throw error;
        deps.onError?.(error);
        throw new RequestError('errorScreenshotFailed');
      }
      if (draft.image.length > MAX_DRAFT_IMAGE_CHARS) {
        throw new RequestError('errorScreenshotTooLarge');
      }
      await db.transaction('rw', db.suggestions, db.screenshots, async () => {
        const existing = await db.suggestions.get(data.draftId);
        if (existing && existing.syncState !== 'draft') {
          throw new RequestError('errorAlreadySubmitted');
        }
        // A draft with only a picture is still a draft: kept, and found again on reload.
        if (!existing) await db.suggestions.put(emptyDraft(data.draftId, session, now()));
        await db.screenshots.put({ suggestionId: data.draftId, capturedAt: now(), ...draft });
      });
      return draft;
    },

    async saveScreenshotMasks(data, context) {
      await draftSession(context, data.capability, data.draftId);
      const row = await db.screenshots.get(data.draftId);
      if (!row) throw new RequestError('errorNoScreenshot');
      const masks = data.masks
        .map((mask) => clampRect(mask, row))
        .filter((mask): mask is Rect => mask !== null)
        .slice(0, MAX_MASKS);
      await db.screenshots.update(data.draftId, { masks });
      return { saved: true };
    },

    async removeScreenshot(data, context) {
      await draftSession(context, data.capability, data.draftId);
      await db.screenshots.delete(data.draftId);
      return { removed: true };
    },
  });

  return {
    handlers,
    pageContext,
    /** The draft's screenshot for the editor, if the policy allows one. */
    async draftFor(draftId: string, rules: Policy): Promise<ScreenshotDraft | undefined> {
      if (!screenshotAllowed(rules)) return undefined;
      const row = await db.screenshots.get(draftId);
      if (!row) return undefined;
      const { image, width, height, masks } = row;
      return { image, width, height, masks };
    },
    /**
     * What is sent with a submitted draft: its screenshot, blacked out and compressed to the
     * limit (none if the policy now forbids one), and the page context.
     */
    async forSubmit(
      draftId: string,
      tabId: number,
      session: EditorSession,
      rules: Policy,
    ): Promise<Pick<Suggestion, 'screenshot' | 'pageContext'>> {
      const context = await pageContext(tabId, session);
      const row = screenshotAllowed(rules) ? await db.screenshots.get(draftId) : undefined;
      if (!row) return { pageContext: context };
      const screenshot = await compressToLimit((scale, quality) =>
        api.encode(row, scale, quality),
      ).catch((error) => {
        if (error instanceof RequestError) throw error;
        deps.onError?.(error);
        throw new RequestError('errorScreenshotFailed');
      });
      return { screenshot, pageContext: context };
    },
  };
}
export type Screenshots = ReturnType<typeof createScreenshots>;

function emptyDraft(id: string, session: EditorSession, at: number): Suggestion {
  return {
    id,
    pageUrl: session.pageUrl,
    pageTitle: session.pageTitle,
    quote: session.quote,
    selectors: session.selectors,
    text: '',
    // No category until the person chooses one (none is preset).
    anonymous: false,
    syncState: 'draft',
    createdAt: at,
    updatedAt: at,
  };
}

/** The editor frame's box in the cropped picture's pixels, if it shows there. */
export function editorBox(
  { viewport, editor }: Measurement,
  full: Size,
  area: Rect,
  cropped: Size,
): Rect | null {
  if (!editor) return null;
  const scaleX = full.width / viewport.width;
  const scaleY = full.height / viewport.height;
  const inCrop = {
    x: editor.x * scaleX - area.x,
    y: editor.y * scaleY - area.y,
    width: editor.width * scaleX,
    height: editor.height * scaleY,
  };
  const visible = clampRect(inCrop, area);
  return visible && scaleRect(visible, cropped.width / area.width);
}

async function imageSize(dataUrl: string): Promise<Size> {
  const bitmap = await createImageBitmap(dataUrlToBlob(dataUrl));
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

function dataUrlToBlob(dataUrl: string): Blob {
  const comma = dataUrl.indexOf(',');
  const type = /^data:([^;,]+)/.exec(dataUrl)?.[1] ?? 'image/png';
  const binary = atob(dataUrl.slice(comma + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** WebP where the browser encodes it (smaller for screenshots), else JPEG. */
async function encodeCanvas(
  canvas: OffscreenCanvas,
  quality: number,
): Promise<Pick<SentScreenshot, 'format' | 'data'>> {
  const webp = await canvas.convertToBlob({ type: 'image/webp', quality });
  const blob =
    webp.type === 'image/webp' ? webp : await canvas.convertToBlob({ type: 'image/jpeg', quality });
  const format = blob.type === 'image/webp' ? 'image/webp' : 'image/jpeg';
  return { format, data: await blobToBase64(blob) };
}

function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2D canvas in this browser');
  return context;
}

/** Runs in the page's isolated world (Flywheel's, not the page's scripts'): only measures. */
function measureInPage(quote: string, css: string | null, hostAttribute: string) {
  const box = (rect: DOMRect) => ({
    x: rect.left,
    y: rect.top,
    width: rect.width,
    height: rect.height,
  });
  let target: ReturnType<typeof box> | null = null;
  const selection = getSelection();
  if (selection && selection.rangeCount > 0 && !selection.isCollapsed && quote.trim()) {
    if (selection.toString().trim() === quote.trim()) {
      target = box(selection.getRangeAt(0).getBoundingClientRect());
    }
  }
  if (!target && css) {
    try {
      const element = document.querySelector(css);
      if (element) target = box(element.getBoundingClientRect());
    } catch {
      // A selector this document cannot parse: no target, the whole view is kept.
    }
  }
  const host = document.querySelector(`[${hostAttribute}="editor"]`);
  return {
    target,
    viewport: { width: innerWidth, height: innerHeight },
    ...(host ? { editor: box(host.getBoundingClientRect()) } : {}),
  };
}

const browserApi: ScreenshotApi = {
  async tab(tabId) {
    const tab = await browser.tabs.get(tabId);
    return {
      windowId: tab.windowId ?? -1,
      active: tab.active,
      width: tab.width,
      height: tab.height,
    };
  },
  async measure(tabId, quote, css) {
    const [result] = await browser.scripting.executeScript({
      target: { tabId, frameIds: [0] },
      func: measureInPage,
      args: [quote, css ?? null, UI_HOST_ATTRIBUTE],
    });
    return (result?.result as Measurement | undefined) ?? null;
  },
  capture(windowId) {
    return browser.tabs.captureVisibleTab(windowId, { format: 'png' });
  },
  async crop(image, area, scale) {
    const bitmap = await createImageBitmap(dataUrlToBlob(image));
    const width = Math.max(1, Math.round(area.width * scale));
    const height = Math.max(1, Math.round(area.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    context2d(canvas).drawImage(
      bitmap,
      area.x,
      area.y,
      area.width,
      area.height,
      0,
      0,
      width,
      height,
    );
    bitmap.close();
    // The draft keeps a near-lossless copy; the one sent is compressed at submit.
    const { format, data } = await encodeCanvas(canvas, 0.92);
    return { image: `data:${format};base64,${data}`, width, height };
  },
  async encode(draft, scale, quality) {
    const bitmap = await createImageBitmap(dataUrlToBlob(draft.image));
    const width = Math.max(1, Math.round(draft.width * scale));
    const height = Math.max(1, Math.round(draft.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const context = context2d(canvas);
    context.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    // Blacked out in the very pixels that are encoded: nothing under a mask is sent.
    const pixels = context.getImageData(0, 0, width, height);
    blackOut(
      pixels.data,
      { width, height },
      draft.masks.map((mask) => scaleRect(mask, width / draft.width)),
    );
    context.putImageData(pixels, 0, 0);
    return { ...(await encodeCanvas(canvas, quality)), width, height };
  },
  async browser() {
    const firefox = (
      browser.runtime as { getBrowserInfo?: () => Promise<{ name: string; version: string }> }
    ).getBrowserInfo;
    const brands = (
      navigator as { userAgentData?: { brands: { brand: string; version: string }[] } }
    ).userAgentData?.brands;
    return browserOf(brands, navigator.userAgent, firefox ? await firefox() : undefined);
  },
};
