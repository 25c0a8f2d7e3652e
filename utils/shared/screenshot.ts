// A screenshot with a suggestion, and the page context that travels with it: the maths (crop,
// black-out, size) shared by the background, which makes the image, and the editor, which
// shows it. Pure functions: no canvas, no extension API, so they are tested in Node.
// Types only from the wire format: the content script imports messaging.ts, which imports this.
import type { PageContext } from '../protocol/annotation';
import { base64Bytes, LIMITS } from '../protocol/vocabulary';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** What the editor shows and the person blacks out: the crop, as the draft keeps it. */
export interface ScreenshotDraft {
  /** The cropped picture as a `data:` URL (kept in the background's database with the draft). */
  image: string;
  width: number;
  height: number;
  /** Parts to black out, in the picture's pixels. */
  masks: Rect[];
}

/** What is sent: the picture with its parts blacked out, compressed to fit the limit. */
export interface SentScreenshot {
  format: 'image/webp' | 'image/jpeg' | 'image/png';
  /** base64, without the `data:` prefix. */
  data: string;
  width: number;
  height: number;
}

/** Page metadata the owner needs, as it is sent (see docs/protocol.md, "Page context"). */
export type { PageContext } from '../protocol/annotation';

/** Space kept around the selected text or element, in CSS pixels. */
export const CROP_MARGIN = 48;
/** The smallest crop, in CSS pixels, so a word is seen with what is around it. */
export const MIN_CROP: Size = { width: 320, height: 160 };
/** The longest side of the picture the draft keeps (larger ones are scaled down). */
export const MAX_DRAFT_SIDE = 1_600;
/** The draft's picture is kept in the database up to this size (a `data:` URL's characters). */
export const MAX_DRAFT_IMAGE_CHARS = 4 * 1024 * 1024;
/** The most black-out rectangles on one screenshot. */
export const MAX_MASKS = 50;
/** An anonymous suggestion's viewport is rounded down to this step, so it says less of who. */
export const ANONYMOUS_VIEWPORT_STEP = 100;

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high);

/**
 * The part of a captured picture to keep: the target (in CSS pixels of the viewport) with a
 * margin, at least MIN_CROP, inside the picture; in the picture's pixels (`image` is the
 * capture, `viewport` the page's CSS size, so their ratio is the device pixel ratio). No target,
 * or one out of view: the whole picture.
 */
export function cropRect(
  target: Rect | null | undefined,
  viewport: Size,
  image: Size,
  margin = CROP_MARGIN,
): Rect {
  const whole = { x: 0, y: 0, width: image.width, height: image.height };
  if (!target || viewport.width <= 0 || viewport.height <= 0) return whole;
  const visible =
    target.x < viewport.width &&
    target.y < viewport.height &&
    target.x + target.width > 0 &&
    target.y + target.height > 0;
  if (!visible) return whole;
  const scaleX = image.width / viewport.width;
  const scaleY = image.height / viewport.height;
  // Grow to the margin, then to the smallest crop around the target's centre.
  let left = target.x - margin;
  let right = target.x + target.width + margin;
  let top = target.y - margin;
  let bottom = target.y + target.height + margin;
  const growX = Math.max(0, MIN_CROP.width - (right - left)) / 2;
  const growY = Math.max(0, MIN_CROP.height - (bottom - top)) / 2;
  left -= growX;
  right += growX;
  top -= growY;
  bottom += growY;
  const x = Math.floor(clamp(left, 0, viewport.width) * scaleX);
  const y = Math.floor(clamp(top, 0, viewport.height) * scaleY);
  const x2 = Math.ceil(clamp(right, 0, viewport.width) * scaleX);
  const y2 = Math.ceil(clamp(bottom, 0, viewport.height) * scaleY);
  return {
    x: clamp(x, 0, image.width - 1),
    y: clamp(y, 0, image.height - 1),
    width: Math.max(1, Math.min(x2, image.width) - x),
    height: Math.max(1, Math.min(y2, image.height) - y),
  };
}

/** The scale (at most 1) that brings a picture's longest side to `maxSide`. */
export function fitScale(size: Size, maxSide: number): number {
  const side = Math.max(size.width, size.height);
  return side > maxSide ? maxSide / side : 1;
}

/** A rectangle in the picture's whole pixels, inside it; nothing if nothing of it is inside. */
export function clampRect(rect: Rect, size: Size): Rect | null {
  const x = clamp(Math.floor(Math.min(rect.x, rect.x + rect.width)), 0, size.width);
  const y = clamp(Math.floor(Math.min(rect.y, rect.y + rect.height)), 0, size.height);
  const x2 = clamp(Math.ceil(Math.max(rect.x, rect.x + rect.width)), 0, size.width);
  const y2 = clamp(Math.ceil(Math.max(rect.y, rect.y + rect.height)), 0, size.height);
  return x2 > x && y2 > y ? { x, y, width: x2 - x, height: y2 - y } : null;
}

/** A mask in another scale of the same picture, rounded outward: nothing it covered shows. */
export function scaleRect(rect: Rect, scale: number): Rect {
  const x = Math.floor(rect.x * scale);
  const y = Math.floor(rect.y * scale);
  return {
    x,
    y,
    width: Math.ceil((rect.x + rect.width) * scale) - x,
    height: Math.ceil((rect.y + rect.height) * scale) - y,
  };
}

/**
 * Blacks out the masks in RGBA pixels (an ImageData's `data`), in place: opaque black, so no
 * trace of what was there is left in the pixels that are encoded and sent.
 */
export function blackOut(pixels: Uint8ClampedArray, size: Size, masks: readonly Rect[]): void {
  for (const mask of masks) {
    const area = clampRect(mask, size);
    if (!area) continue;
    for (let row = area.y; row < area.y + area.height; row++) {
      const start = (row * size.width + area.x) * 4;
      const end = start + area.width * 4;
      for (let i = start; i < end; i += 4) {
        pixels[i] = 0;
        pixels[i + 1] = 0;
        pixels[i + 2] = 0;
        pixels[i + 3] = 255;
      }
    }
  }
}

/** Whether a compressed screenshot fits the wire's limit (LIMITS.screenshotBytes). */
export function fitsScreenshotLimit(base64: string): boolean {
  return base64Bytes(base64) <= LIMITS.screenshotBytes;
}

/** The browser's name and major version, and nothing else of its user agent. */
export function browserOf(
  brands: readonly { brand: string; version: string }[] | undefined,
  userAgent: string,
  firefox?: { name: string; version: string },
): { name: string; version: string } | undefined {
  const major = (version: string) => /^\d{1,5}/.exec(version)?.[0];
  if (firefox) {
    const version = major(firefox.version);
    return version ? { name: firefox.name.slice(0, 50), version } : undefined;
  }
  // User-agent client hints list made-up "brands" too (GREASE: "Not A;Brand"): skip those.
  const known = ['Microsoft Edge', 'Google Chrome', 'Opera', 'Brave', 'Chromium'];
  for (const name of known) {
    const brand = brands?.find((entry) => entry.brand === name);
    const version = brand && major(brand.version);
    if (version) return { name, version };
  }
  const match = /(Edg|Firefox|Chrome|Chromium|Safari)\/(\d{1,5})/.exec(userAgent);
  if (!match?.[1] || !match[2]) return undefined;
  const names: Record<string, string> = { Edg: 'Microsoft Edge', Chrome: 'Chromium' };
  return { name: names[match[1]] ?? match[1], version: match[2] };
}

/**
 * The context as it is sent: for an anonymous suggestion the viewport is rounded down (an
 * exact window size can tell one person's screen from another's); the rest says nothing of who.
 */
export function contextToSend(context: PageContext, anonymous: boolean): PageContext {
  if (!anonymous || !context.viewport) return context;
  const round = (pixels: number) =>
    Math.floor(pixels / ANONYMOUS_VIEWPORT_STEP) * ANONYMOUS_VIEWPORT_STEP;
  return {
    ...context,
    viewport: { width: round(context.viewport.width), height: round(context.viewport.height) },
  };
}
