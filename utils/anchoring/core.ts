// The anchorer without the edited steps of the rule (match-quote.ts): what the content script
// carries. Given the edited step (`EditedStep`, from edited.ts) it anchors as index.ts does;
// without it, a quote that step 1 does not find answers `undefined` (it waits for that step)
// instead of null (an orphan). See docs/ARCHITECTURE.md.
import { cssSelectorFor, queryUnder, xpathUnder } from './css-selector';
import { buildTextIndex, normalizeText, type TextIndex } from './text-index';
import type { CssSelector, Selector, TextPositionSelector, TextQuoteSelector } from './types';
import {
  type EditedStep,
  keptShare,
  matchVerbatim,
  type QuoteMatch,
  type QuoteQuery,
  similarity,
  trimmedSpan,
} from './verbatim';

export { UI_HOST_ATTRIBUTE } from './text-index';
export type { Selector } from './types';
export { EDITED_STEP_GLOBAL, type EditedStep, type QuoteMatch } from './verbatim';

/** Characters of context kept on each side of a quote. */
export const CONTEXT_LENGTH = 32;

/** `undefined`: not found verbatim, and the anchorer has no edited step to look further. */
export interface PartialAnchorer {
  /** The text model of the root, built once (a snapshot: make a new anchorer after DOM changes). */
  readonly index: TextIndex;
  describe(range: Range): Selector[];
  describeElement(element: Element): Selector[];
  /** Where a text target is in the model (no DOM work), or null; for counting and batching. */
  locate(selectors: Selector[]): QuoteMatch | null | undefined;
  anchor(selectors: Selector[]): Range | null | undefined;
}

function textRoot(root: Document | Element): Element {
  if ('documentElement' in root) return root.body ?? root.documentElement;
  return root;
}

function find<T extends Selector['type']>(selectors: Selector[], type: T) {
  return selectors.find((selector) => selector.type === type) as
    | Extract<Selector, { type: T }>
    | undefined;
}

function quoteSelectors(index: TextIndex, from: number, to: number): Selector[] {
  const { text } = index;
  const [start, end] = trimmedSpan(text, from, to);
  if (start === end) return [];
  const quote: TextQuoteSelector = {
    type: 'TextQuoteSelector',
    exact: text.slice(start, end),
    prefix: text.slice(Math.max(0, start - CONTEXT_LENGTH), start),
    suffix: text.slice(end, end + CONTEXT_LENGTH),
  };
  const position: TextPositionSelector = { type: 'TextPositionSelector', start, end };
  return [quote, position];
}

/** Whether an element's text is still the quote: at least 80% of its words, at most 1.25 times as
 * long, and at most half of it edited. Strict on words because a positional selector can point
 * at a sibling after edits, and sibling table rows are alike letter by letter ("Travel: 20
 * euros" and "Hotel: 90 euros" are 69% similar, with one word of three in common). */
function keepsQuote(text: string, exact: string): boolean {
  return (
    keptShare(text, exact) >= 0.8 &&
    text.length <= exact.length * 1.25 &&
    similarity(text, exact) >= 0.5
  );
}

/**
 * Builds the text index of `root` once, for describing and anchoring many suggestions; with
 * `edited`, the whole rule; without it, step 1 only (`undefined` where the rest is needed).
 */
export function createPartialAnchorer(
  root: Document | Element,
  edited?: EditedStep,
): PartialAnchorer {
  const element = textRoot(root);
  const index = buildTextIndex(element);

  const describe = (range: Range): Selector[] => {
    const start = index.offsetOf(range.startContainer, range.startOffset, 'start');
    const end = index.offsetOf(range.endContainer, range.endOffset, 'end');
    const text = quoteSelectors(index, start, Math.max(start, end));
    if (text.length === 0) return [];
    const common = range.commonAncestorContainer;
    const container = common.nodeType === 1 ? (common as Element) : common.parentElement;
    if (!container || !element.contains(container)) return text;
    const css: CssSelector = { type: 'CssSelector', value: cssSelectorFor(container, element) };
    return [...text, css];
  };

  const describeElement = (picked: Element): Selector[] => {
    const css: CssSelector = { type: 'CssSelector', value: cssSelectorFor(picked, element, true) };
    return [css, ...quoteSelectors(index, ...index.spanOf(picked))];
  };

  // Looked up only when needed: querySelector is the costliest step on a big page.
  const hintOf = (selectors: Selector[]) => {
    const css = find(selectors, 'CssSelector');
    const xpath = find(selectors, 'XPathSelector');
    let hinted: Element | null | undefined;
    return () => {
      if (hinted === undefined) {
        hinted =
          (css && queryUnder(element, css.value)) ||
          (xpath && xpathUnder(element, xpath.value)) ||
          null;
      }
      return hinted;
    };
  };

  // Lower-cased once per text model, when a fuzzy search first needs it.
  let lower: string | undefined;
  const folded = () => {
    lower ??= index.text.toLowerCase();
    return lower;
  };

  const locateWith = (selectors: Selector[], hint: () => Element | null) => {
    const quote = find(selectors, 'TextQuoteSelector');
    if (!quote?.exact) return null;
    // The tag the quote was in (last step of its CSS selector) tells a heading from its entry in
    // a table of contents.
    const tag = find(selectors, 'CssSelector')
      ?.value.replace(/\[.*?\]/g, '')
      .match(/([a-z][\w-]*)[^\s>]*$/i)?.[1];
    const query: QuoteQuery = {
      // Quotes written by other tools may carry raw whitespace; compare in the model's form.
      exact: normalizeText(quote.exact),
      prefix: normalizeText(quote.prefix ?? ''),
      suffix: normalizeText(quote.suffix ?? ''),
      position: find(selectors, 'TextPositionSelector')?.start,
      near: () => {
        const found = hint();
        return found ? index.spanOf(found) : undefined;
      },
      sameKind: tag ? (offset) => !!index.elementAt(offset)?.closest(tag) : undefined,
      folded,
    };
    const found = matchVerbatim(index.text, query);
    if (found !== false) return found;
    return edited ? edited(index.text, query) : undefined;
  };

  const locate = (selectors: Selector[]): QuoteMatch | null | undefined =>
    locateWith(selectors, hintOf(selectors));

  const wholeElement = (target: Element) => {
    const range = element.ownerDocument.createRange();
    range.selectNode(target);
    return range;
  };

  const anchor = (selectors: Selector[]): Range | null | undefined => {
    const hint = hintOf(selectors);
    const quote = find(selectors, 'TextQuoteSelector');
    const exact = normalizeText(quote?.exact ?? '').trim();
    if (!exact) {
      // An element picked without text (image, empty field): its selector is all there is.
      const hinted = hint();
      return hinted ? wholeElement(hinted) : null;
    }
    // An element target (its selector written first) whose element still holds the same text.
    const first = selectors[0]?.type;
    if (first === 'CssSelector' || first === 'XPathSelector') {
      const hinted = hint();
      if (hinted && index.text.slice(...index.spanOf(hinted)).trim() === exact) {
        return wholeElement(hinted);
      }
    }
    const match = locateWith(selectors, hint);
    // Not found verbatim: the last resort below waits for the edited steps too.
    if (match === undefined) return undefined;
    if (!match) {
      // Last resort: the quote is gone from the text, but the element it was in is still there
      // with about the same text (most words kept, about as long).
      const hinted = hint();
      if (!hinted) return null;
      return keepsQuote(index.text.slice(...index.spanOf(hinted)), exact)
        ? wholeElement(hinted)
        : null;
    }
    const range = index.rangeOf(match.start, match.end);
    // When the quote is the whole text of the innermost element around it (an element pick),
    // select the element itself.
    const common = range.commonAncestorContainer;
    const inner = common.nodeType === 1 ? (common as Element) : common.parentElement;
    if (inner && inner !== element && element.contains(inner)) {
      const [start, end] = trimmedSpan(index.text, ...index.spanOf(inner));
      if (start === match.start && end === match.end) range.selectNode(inner);
    }
    return range;
  };

  return { index, describe, describeElement, locate, anchor };
}

function rootOf(node: Node): Element {
  const doc = node.ownerDocument ?? (node as Document);
  return doc.body ?? doc.documentElement;
}

/** Selectors for a selection: quote with 32 chars of context, model position, containing element. */
export function describe(range: Range, root: Element = rootOf(range.startContainer)): Selector[] {
  return createPartialAnchorer(root).describe(range);
}

/** Selectors for an element picked as a whole (table row, form field, image). */
export function describeElement(element: Element, root: Element = rootOf(element)): Selector[] {
  return createPartialAnchorer(root).describeElement(element);
}

/**
 * Anchors many suggestions against one text index, yielding to the page between slices so no
 * task runs longer than `sliceMs` plus one anchor. Without `edited`, a target not found
 * verbatim is `undefined` (see createPartialAnchorer).
 */
export async function anchorAllWith(
  root: Document | Element,
  targets: Selector[][],
  edited?: EditedStep,
  sliceMs = 8,
): Promise<(Range | null | undefined)[]> {
  const anchorer = createPartialAnchorer(root, edited);
  const results: (Range | null | undefined)[] = [];
  let sliceStart = performance.now();
  for (const selectors of targets) {
    if (performance.now() - sliceStart > sliceMs) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = performance.now();
    }
    results.push(anchorer.anchor(selectors));
  }
  return results;
}
