import type { Overlay } from './overlay';
import type { PageContext } from './page-context';

const NAME = 'flywheel';
const CURRENT = 'flywheel-current';
// One look for every suggestion: the page cannot tell the person's own from a colleague's.
const LOOK =
  'background-color: rgb(250 204 21 / 0.4); text-decoration: underline 2px rgb(180 83 9);';
const CURRENT_LOOK = 'background-color: rgb(245 158 11 / 0.6);';
// Past this many elements holding marked text, one rule for every element instead (the old,
// costly way: the whole page's style is recalculated once).
const MAX_STYLED_ELEMENTS = 400;

export interface Highlighter {
  /** Marks these ranges (and one of them as current), replacing what was marked before. */
  paint(ranges: readonly Range[], current: Range | undefined): void;
}

/**
 * A selector for this one element of the document: its tag and place under each ancestor, up
 * to `body` (the page's own start-up may add and remove other children of the root).
 */
export function elementSelector(element: Element): string {
  const parts: string[] = [];
  for (let e: Element | null = element; e; e = e.parentElement) {
    if (e === document.body) {
      parts.push('body');
      break;
    }
    if (!e.parentElement) {
      parts.push(':root');
      break;
    }
    let index = 1;
    for (let s = e.previousElementSibling; s; s = s.previousElementSibling) index++;
    parts.push(`${CSS.escape(e.localName)}:nth-child(${index})`);
  }
  return parts.reverse().join('>');
}

/**
 * The elements of the document that paint the ranges' text (a text node's highlight takes its
 * parent element's `::highlight()` style; text in a shadow tree, its host's), or undefined when
 * there are more than `max`.
 */
export function markedElements(ranges: readonly Range[], max: number): Set<Element> | undefined {
  const found = new Set<Element>();
  const add = (text: Node) => {
    let element: Element | null = text.parentElement;
    for (let root = element?.getRootNode(); root instanceof ShadowRoot; root = root.getRootNode()) {
      element = root.host;
    }
    if (element?.isConnected) found.add(element);
  };
  for (const range of ranges) {
    const common = range.commonAncestorContainer;
    if (common.nodeType === Node.TEXT_NODE) add(common);
    else {
      const walker = document.createTreeWalker(common, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (range.intersectsNode(node)) add(node);
      }
    }
    if (found.size > max) return undefined;
  }
  return found;
}

/**
 * The style of the marks: `::highlight()` rules for the elements that hold marked text only.
 * A rule for every element (`::highlight(flywheel)`), or one on the root that descendants take
 * by highlight inheritance, makes Chromium recalculate the style of the whole page when the
 * sheet is adopted, and so does inserting the rule into, or replaceSync on, a sheet adopted
 * beforehand (55-80 ms on the 10,000-element page, tests/bench/highlight-style-profile.ts).
 * A rule keyed on an element's tag and place recalculates the elements of that tag only (about
 * 8-13 ms for 50 marks in list items there; 30 ms in table cells, its most common tag). Such
 * rules need no highlight inheritance, which Firefox ESR lacks. Matching more elements than
 * these would paint nothing more: a `::highlight()` style shows only where the ranges are.
 */
export function highlightCss(ranges: readonly Range[], current: Range | undefined): string {
  const rule = (elements: Set<Element> | undefined, name: string, look: string) => {
    if (!elements) return `::highlight(${name}) { ${look} }`;
    if (elements.size === 0) return '';
    const selectors = [...elements].map((e) => `${elementSelector(e)}::highlight(${name})`);
    return `${selectors.join(',')} { ${look} }`;
  };
  const marks = rule(markedElements(ranges, MAX_STYLED_ELEMENTS), NAME, LOOK);
  return current
    ? `${marks}\n${rule(markedElements([current], MAX_STYLED_ELEMENTS), CURRENT, CURRENT_LOOK)}`
    : marks;
}

/**
 * Paints marks, and only that: the CSS Custom Highlight API where there is one (the page's DOM
 * is not changed), else boxes in the overlay that follow scrolling.
 */
export function createHighlighter(page: PageContext, overlay: Overlay): Highlighter {
  const registry = typeof Highlight === 'function' ? CSS.highlights : undefined;
  // `::highlight()` only works from a style sheet of the page's document. A constructed sheet
  // in adoptedStyleSheets needs no <style> element, so a page's CSP cannot block it.
  let sheet: CSSStyleSheet | undefined;
  let css = '';
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
    sheet ??= new CSSStyleSheet();
    // Rewritten only when the marked elements changed (or the page emptied the sheet): each
    // rewrite recalculates the style of the elements of the rules' tags.
    const next = highlightCss(ranges, current);
    if (next !== css || sheet.cssRules.length === 0) {
      css = next;
      sheet.replaceSync(css);
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
