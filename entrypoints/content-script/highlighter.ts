import type { Overlay } from './overlay';
import type { PageContext } from './page-context';

const NAME = 'flywheel';
const CURRENT = 'flywheel-current';
// `::highlight()` only works from a style sheet of the page's document. A constructed sheet in
// adoptedStyleSheets needs no <style> element, so a page's CSP cannot block it. One look for
// every suggestion: the page cannot tell the person's own from a colleague's.
const HIGHLIGHT_CSS = `::highlight(${NAME}) { background-color: rgb(250 204 21 / 0.4); text-decoration: underline 2px rgb(180 83 9); }
::highlight(${CURRENT}) { background-color: rgb(245 158 11 / 0.6); }`;

export interface Highlighter {
  /** Marks these ranges (and one of them as current), replacing what was marked before. */
  paint(ranges: readonly Range[], current: Range | undefined): void;
}

/**
 * Paints marks, and only that: the CSS Custom Highlight API where there is one (the page's DOM
 * is not changed), else boxes in the overlay that follow scrolling.
 */
export function createHighlighter(page: PageContext, overlay: Overlay): Highlighter {
  const registry = typeof Highlight === 'function' ? CSS.highlights : undefined;
  let sheet: CSSStyleSheet | undefined;
  let painted: { ranges: readonly Range[]; current: Range | undefined } = {
    ranges: [],
    current: undefined,
  };
  let frame = 0;

  function removeSheet() {
    if (sheet && document.adoptedStyleSheets.includes(sheet)) {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    }
  }

  function paintRegistry(ranges: readonly Range[], current: Range | undefined) {
    if (!registry) return;
    if (ranges.length === 0) {
      // Nothing to show: no style sheet on the page, so the page pays no style recalculation.
      registry.delete(NAME);
      registry.delete(CURRENT);
      removeSheet();
      return;
    }
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(HIGHLIGHT_CSS);
    }
    // The page may have replaced its adopted sheets since: put ours back.
    if (!document.adoptedStyleSheets.includes(sheet)) {
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }
    registry.set(NAME, new Highlight(...ranges));
    if (current) {
      const highlight = new Highlight(current);
      highlight.priority = 1;
      registry.set(CURRENT, highlight);
    } else registry.delete(CURRENT);
  }

  function paintBoxes() {
    overlay.marks(
      painted.ranges.flatMap((range) => [...range.getClientRects()]),
      painted.current ? [...painted.current.getClientRects()] : [],
    );
  }

  if (!registry) {
    const repaint = () => {
      if (frame || painted.ranges.length === 0) return;
      frame = page.requestAnimationFrame(() => {
        frame = 0;
        paintBoxes();
      });
    };
    page.listen(window, 'scroll', repaint, { capture: true, passive: true });
    page.listen(window, 'resize', repaint, { passive: true });
  }

  page.onInvalidated(() => {
    registry?.delete(NAME);
    registry?.delete(CURRENT);
    removeSheet();
  });

  return {
    paint(ranges, current) {
      painted = { ranges, current };
      if (registry) paintRegistry(ranges, current);
      else paintBoxes();
    },
  };
}
