import { anchorAllWith, EDITED_STEP_GLOBAL, type EditedStep } from '@/utils/anchoring/core';
import { type PageMark, sendMessage } from '@/utils/shared/messaging';
import type { Highlighter } from './highlighter';
import type { PageContext } from './page-context';
import { isInsideFlywheelUi } from './protected-host';

/** Quiet time after the page's last change before re-anchoring. */
const SETTLE_MS = 150;
/** Least time between two anchoring runs, however busy the page is. */
const MIN_INTERVAL_MS = 1_000;
/** A page that never stops changing still gets re-anchored this often. */
const MAX_WAIT_MS = 2_000;
/** Clicks on these belong to the page, even on a mark. */
const INTERACTIVE = 'a,button,input,select,textarea,label,summary,[contenteditable]';

export interface AnchoredMark {
  mark: PageMark;
  range: Range;
  /** The text the range covered when anchored: if it changes, the page changed under it. */
  text: string;
}

export interface PageMarks {
  /** The page's suggestions found on it, in document order. */
  anchored(): readonly AnchoredMark[];
  /** Makes the next (1) or previous (-1) suggestion current: scrolled to and returned. */
  move(step: number): { item: AnchoredMark; index: number } | undefined;
  /** Opens the current suggestion in the frame. */
  openCurrent(): void;
  /** Asks the background again for the page's suggestions (after an edit, a navigation). */
  reload(): void;
  onChange(listener: () => void): void;
}

/** The client rect of `range` under the point, if any. */
function hits(range: Range, x: number, y: number): boolean {
  const box = range.getBoundingClientRect();
  if (x < box.left || x > box.right || y < box.top || y > box.bottom) return false;
  return [...range.getClientRects()].some(
    (r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom,
  );
}

/**
 * The page's suggestions as marks: asked of the background (where they are, never what they
 * say), anchored, kept anchored while the page changes (in-page navigation reloads them, DOM
 * changes re-anchor them in idle time), and opened in the frame by a person's click.
 */
export function startPageMarks(
  page: PageContext,
  highlighter: Highlighter,
  /** Opens a suggestion; its range, so the frame is placed clear of it. */
  open: (id: string, range: Range) => void,
): PageMarks {
  let items: PageMark[] = [];
  let anchored: AnchoredMark[] = [];
  let orphans: string[] = [];
  let reported = '';
  let runs = 0;
  let lastRun = -MIN_INTERVAL_MS;
  let timer: number | undefined;
  let firstAsk = 0;
  let current = -1;
  const listeners: (() => void)[] = [];
  // The edited steps of anchoring (approx-string-match, the alignment) are not in this script:
  // the first time a quote is not found verbatim, the background injects them into this
  // document's isolated world, where they wait on globalThis (entrypoints/anchoring-fuzzy.ts).
  let editedStep: Promise<EditedStep> | undefined;
  const world = globalThis as { [EDITED_STEP_GLOBAL]?: EditedStep };
  const loadEditedStep = () => {
    editedStep ??= (
      world[EDITED_STEP_GLOBAL]
        ? Promise.resolve()
        : sendMessage('loadEditedAnchoring', {}).then(() => undefined)
    ).then(
      () => world[EDITED_STEP_GLOBAL] ?? noEditedStep('not registered'),
      (error: unknown) => noEditedStep(String(error)),
    );
    return editedStep;
  };
  // Without the edited steps, what is not found verbatim is not found: an orphan.
  const noEditedStep = (why: string): EditedStep => {
    void sendMessage('reportError', { where: 'marks/edited-anchoring', message: why });
    return () => null;
  };

  const paint = () =>
    highlighter.paint(
      anchored.map((a) => a.range),
      anchored[current]?.range,
    );

  // Marks what was found; `undefined` (waits for the edited steps) is neither found nor orphan.
  function show(ranges: (Range | null | undefined)[]) {
    const currentId = anchored[current]?.mark.id;
    anchored = [];
    orphans = [];
    items.forEach((mark, i) => {
      const range = ranges[i];
      if (range) anchored.push({ mark, range, text: range.toString() });
      else if (range === null) orphans.push(mark.id);
    });
    anchored.sort((a, b) => a.range.compareBoundaryPoints(Range.START_TO_START, b.range));
    current = anchored.findIndex((a) => a.mark.id === currentId);
    paint();
  }

  async function anchorNow() {
    const run = ++runs;
    lastRun = performance.now();
    // A mark still over the text it was anchored to stays as it is (asked again, the page
    // keeps its marks and gains or loses only the difference); only the others are looked for.
    const still = new Map(
      anchored.filter((a) => a.range.toString() === a.text).map((a) => [JSON.stringify(a.mark), a]),
    );
    const ranges: (Range | null | undefined)[] = items.map(
      (mark) => still.get(JSON.stringify(mark))?.range,
    );
    const todo = items.flatMap((_, i) => (ranges[i] ? [] : [i]));
    const find = async (step: EditedStep | undefined) => {
      // Nothing to look for: the page's text is never even read.
      const found = todo.length
        ? await anchorAllWith(
            document,
            todo.map((i) => (items[i] as PageMark).selectors),
            step,
          )
        : [];
      todo.forEach((i, j) => {
        ranges[i] = found[j];
      });
    };
    await find(world[EDITED_STEP_GLOBAL]);
    if (run !== runs || page.isInvalid) return;
    if (ranges.includes(undefined)) {
      // Some quote is not on the page verbatim: what was found is marked at once; the rest is
      // decided (found, or an orphan) once the edited steps are here, on a fresh text model
      // (the page may have changed meanwhile).
      show(ranges);
      const step = await loadEditedStep();
      if (run !== runs || page.isInvalid) return;
      await find(step);
      if (run !== runs || page.isInvalid) return;
    }
    show(ranges);
    const key = orphans.join();
    if (key !== reported) {
      reported = key;
      await sendMessage('reportAnchoring', { pageUrl: location.href, orphans });
    }
    for (const listener of listeners) listener();
  }

  const anchorInBackground = () =>
    void anchorNow().catch((error) =>
      sendMessage('reportError', { where: 'marks/anchor', message: String(error) }),
    );

  // Batched: a burst of DOM changes is one run, after the page settles, in idle time; the
  // anchoring itself yields between slices (anchorAll), so no task grows long.
  function schedule() {
    const now = performance.now();
    if (timer !== undefined) {
      if (now - firstAsk > MAX_WAIT_MS) return;
      clearTimeout(timer);
    } else firstAsk = now;
    timer = page.setTimeout(
      () =>
        page.requestIdleCallback(() => {
          timer = undefined;
          anchorInBackground();
        }, 500),
      Math.max(SETTLE_MS, lastRun + MIN_INTERVAL_MS - now),
    );
  }

  const observer = new MutationObserver(() => {
    // Nothing to do while every mark still covers the text it was anchored to.
    if (orphans.length > 0 || anchored.some((a) => a.range.toString() !== a.text)) schedule();
    else paint();
  });

  async function load() {
    const response = await sendMessage('listPageSuggestions', { pageUrl: location.href });
    if (page.isInvalid) return;
    items = response.items;
    reported = '';
    observer.disconnect();
    // A page with no suggestions pays for no observer.
    if (items.length > 0) {
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    }
    await anchorNow();
  }
  const reload = () =>
    void load().catch((error) =>
      sendMessage('reportError', { where: 'marks/load', message: String(error) }),
    );

  page.listen(document, 'click', (event) => {
    if (anchored.length === 0 || !document.getSelection()?.isCollapsed) return;
    const target = event.target instanceof Element ? event.target : null;
    if (!target || isInsideFlywheelUi(target) || target.closest(INTERACTIVE)) return;
    const found = anchored.find((a) => hits(a.range, event.clientX, event.clientY));
    if (found) open(found.mark.id, found.range);
  });

  // In-page navigation (pushState, replaceState, popstate, hashchange): the page may have
  // changed, and it may be another page of the site now.
  page.onLocationChange(reload);
  page.onInvalidated(() => observer.disconnect());
  // After the page's own start-up work, not during it.
  page.requestIdleCallback(reload, 2_000);

  return {
    anchored: () => anchored,
    move(step) {
      const count = anchored.length;
      if (count === 0) return undefined;
      current = current < 0 ? (step > 0 ? 0 : count - 1) : (current + step + count) % count;
      const item = anchored[current] as AnchoredMark;
      const start = item.range.startContainer;
      (start instanceof Element ? start : start.parentElement)?.scrollIntoView({ block: 'center' });
      paint();
      return { item, index: current };
    },
    openCurrent() {
      const item = anchored[current];
      if (item) open(item.mark.id, item.range);
    },
    reload,
    onChange: (listener) => void listeners.push(listener),
  };
}
