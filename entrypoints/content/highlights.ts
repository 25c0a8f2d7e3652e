import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { anchorAll } from '@/utils/anchoring';
import { type PageSuggestion, sendMessage } from '@/utils/shared/messaging';
import { statusWord } from '@/utils/shared/status-word';
import type { Overlay } from './overlay';
import { isInsideFlywheelUi } from './protected-host';

const NAME = 'flywheel';
const CURRENT = 'flywheel-current';
// `::highlight()` only works from a style sheet of the page's document. A constructed sheet in
// adoptedStyleSheets needs no <style> element, so a page's CSP cannot block it.
const HIGHLIGHT_CSS = `::highlight(${NAME}) { background-color: rgb(250 204 21 / 0.4); text-decoration: underline 2px rgb(180 83 9); }
::highlight(${CURRENT}) { background-color: rgb(245 158 11 / 0.6); }`;
/** Quiet time after the page's last change before re-anchoring. */
const SETTLE_MS = 150;
/** Least time between two anchoring runs, however busy the page is. */
const MIN_INTERVAL_MS = 1_000;
/** A page that never stops changing still gets re-anchored this often. */
const MAX_WAIT_MS = 2_000;
const TIP_LENGTH = 240;
/** Clicks on these belong to the page, even on a highlight. */
const INTERACTIVE = 'a,button,input,select,textarea,label,summary,[contenteditable]';

export interface AnchoredSuggestion {
  suggestion: PageSuggestion;
  range: Range;
  /** The text the range covered when anchored: if it changes, the page changed under it. */
  text: string;
}

export interface PageHighlights {
  /** The page's suggestions found on it, in document order. */
  anchored(): readonly AnchoredSuggestion[];
  /** Makes the next (1) or previous (-1) suggestion current: scrolled to, shown, returned. */
  move(step: number): { item: AnchoredSuggestion; index: number } | undefined;
  /** Opens the current suggestion in the widget. */
  openCurrent(): void;
  /** Asks the background again for the page's suggestions (after an edit, a navigation). */
  reload(): void;
  onChange(listener: () => void): void;
}

/** The client rect of `range` under the point, if any. */
function rectAt(range: Range, x: number, y: number): DOMRect | undefined {
  const box = range.getBoundingClientRect();
  if (x < box.left || x > box.right || y < box.top || y > box.bottom) return undefined;
  return [...range.getClientRects()].find(
    (r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom,
  );
}

/**
 * Highlights the person's suggestions on the page and keeps them anchored while the page
 * changes: in-page navigation reloads them, DOM changes re-anchor them in idle time.
 */
export function startHighlights(
  ctx: ContentScriptContext,
  overlay: Overlay,
  open: (id: string) => void,
): PageHighlights {
  const registry = typeof Highlight === 'function' ? CSS.highlights : undefined;
  let sheet: CSSStyleSheet | undefined;
  let items: PageSuggestion[] = [];
  let anchored: AnchoredSuggestion[] = [];
  let orphans: string[] = [];
  let reported = '';
  let runs = 0;
  let lastRun = -MIN_INTERVAL_MS;
  let timer: number | undefined;
  let firstAsk = 0;
  let current = -1;
  let hovered: AnchoredSuggestion | undefined;
  let frame = 0;
  const listeners: (() => void)[] = [];

  function showTip(item: AnchoredSuggestion, near: DOMRect | undefined) {
    if (!near) return overlay.hideTip();
    const { text } = item.suggestion;
    const shown = text.length > TIP_LENGTH ? `${text.slice(0, TIP_LENGTH - 1)}…` : text || '…';
    overlay.showTip(near, [shown, statusWord(item.suggestion)]);
  }

  function paint() {
    const cur = anchored[current];
    if (registry && anchored.length === 0) {
      // Nothing to show: no style sheet on the page, so the page pays no style recalculation.
      registry.delete(NAME);
      registry.delete(CURRENT);
      if (sheet && document.adoptedStyleSheets.includes(sheet)) {
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
      }
      return;
    }
    if (registry) {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(HIGHLIGHT_CSS);
      }
      // The page may have replaced its adopted sheets since: put ours back.
      if (!document.adoptedStyleSheets.includes(sheet)) {
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }
      registry.set(NAME, new Highlight(...anchored.map((a) => a.range)));
      if (cur) {
        const highlight = new Highlight(cur.range);
        highlight.priority = 1;
        registry.set(CURRENT, highlight);
      } else registry.delete(CURRENT);
    } else {
      overlay.marks(
        anchored.flatMap((a) => [...a.range.getClientRects()]),
        cur ? [...cur.range.getClientRects()] : [],
      );
    }
  }

  async function anchorNow() {
    const run = ++runs;
    lastRun = performance.now();
    // No suggestions here: the page's text is never even read.
    const ranges =
      items.length === 0
        ? []
        : await anchorAll(
            document,
            items.map((s) => s.selectors),
          );
    if (run !== runs || ctx.isInvalid) return;
    const currentId = anchored[current]?.suggestion.id;
    anchored = [];
    orphans = [];
    items.forEach((suggestion, i) => {
      const range = ranges[i];
      if (range) anchored.push({ suggestion, range, text: range.toString() });
      else orphans.push(suggestion.id);
    });
    anchored.sort((a, b) => a.range.compareBoundaryPoints(Range.START_TO_START, b.range));
    current = anchored.findIndex((a) => a.suggestion.id === currentId);
    hovered = undefined;
    if (current < 0) overlay.hideTip();
    paint();
    const key = orphans.join();
    if (key !== reported) {
      reported = key;
      void sendMessage('reportAnchoring', { orphans }).catch(() => {});
    }
    for (const listener of listeners) listener();
  }

  // Batched: a burst of DOM changes is one run, after the page settles, in idle time; the
  // anchoring itself yields between slices (anchorAll), so no task grows long.
  function schedule() {
    const now = performance.now();
    if (timer !== undefined) {
      if (now - firstAsk > MAX_WAIT_MS) return;
      clearTimeout(timer);
    } else firstAsk = now;
    timer = ctx.setTimeout(
      () =>
        ctx.requestIdleCallback(
          () => {
            timer = undefined;
            void anchorNow();
          },
          { timeout: 500 },
        ),
      Math.max(SETTLE_MS, lastRun + MIN_INTERVAL_MS - now),
    );
  }

  const observer = new MutationObserver(() => {
    // Nothing to do while every highlight still covers the text it was anchored to.
    if (orphans.length > 0 || anchored.some((a) => a.range.toString() !== a.text)) schedule();
    else if (!registry) paint();
  });

  async function load() {
    try {
      const response = await sendMessage('listPageSuggestions', {});
      if (ctx.isInvalid) return;
      items = response.items;
    } catch {
      items = [];
    }
    reported = '';
    observer.disconnect();
    // A page with no suggestions of the person's pays for no observer.
    if (items.length > 0) {
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    }
    await anchorNow();
  }

  const hit = (x: number, y: number) => {
    for (const item of anchored) {
      const rect = rectAt(item.range, x, y);
      if (rect) return { item, rect };
    }
    return undefined;
  };

  ctx.addEventListener(
    document,
    'pointermove',
    (event) => {
      if (anchored.length === 0 || frame) return;
      const { clientX, clientY } = event;
      frame = requestAnimationFrame(() => {
        frame = 0;
        const found = hit(clientX, clientY);
        if (found?.item === hovered) return;
        hovered = found?.item;
        // Leaving a highlight goes back to the one chosen with the keyboard, if any.
        const shown = found?.item ?? anchored[current];
        if (shown) showTip(shown, found?.rect ?? shown.range.getClientRects()[0]);
        else overlay.hideTip();
      });
    },
    { passive: true },
  );

  ctx.addEventListener(document, 'click', (event) => {
    if (!event.isTrusted || anchored.length === 0 || !document.getSelection()?.isCollapsed) return;
    const target = event.target instanceof Element ? event.target : null;
    if (!target || isInsideFlywheelUi(target) || target.closest(INTERACTIVE)) return;
    const found = hit(event.clientX, event.clientY);
    if (found) open(found.item.suggestion.id);
  });

  if (!registry) {
    const repaint = () => {
      if (frame || anchored.length === 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        paint();
      });
    };
    ctx.addEventListener(window, 'scroll', repaint, { capture: true, passive: true });
    ctx.addEventListener(window, 'resize', repaint, { passive: true });
  }

  // In-page navigation (pushState, replaceState, popstate, hashchange): WXT watches the URL
  // with the Navigation API, or by polling where that is missing. The page may have changed.
  ctx.addEventListener(window, 'wxt:locationchange', () => void load());
  ctx.onInvalidated(() => {
    observer.disconnect();
    registry?.delete(NAME);
    registry?.delete(CURRENT);
    if (sheet) document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
  });
  // After the page's own start-up work, not during it.
  ctx.requestIdleCallback(() => void load(), { timeout: 2_000 });

  return {
    anchored: () => anchored,
    move(step) {
      const count = anchored.length;
      if (count === 0) return undefined;
      current = current < 0 ? (step > 0 ? 0 : count - 1) : (current + step + count) % count;
      const item = anchored[current] as AnchoredSuggestion;
      const start = item.range.startContainer;
      (start instanceof Element ? start : start.parentElement)?.scrollIntoView({ block: 'center' });
      paint();
      showTip(item, item.range.getClientRects()[0]);
      return { item, index: current };
    },
    openCurrent() {
      const item = anchored[current];
      if (item) open(item.suggestion.id);
    },
    reload: () => void load(),
    onChange: (listener) => void listeners.push(listener),
  };
}
