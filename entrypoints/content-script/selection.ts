import { describe, describeElement } from '@/utils/anchoring/core';
import type { Selector } from '@/utils/anchoring/types';
import { MAX_QUOTE_LENGTH } from '@/utils/shared/suggestion';
import { isInsideFlywheelUi } from './protected-host';

export interface CapturedTarget {
  quote: string;
  selectors: Selector[];
}

const NOTHING: CapturedTarget = { quote: '', selectors: [] };

function withQuote(quote: string, selectors: Selector[]): CapturedTarget {
  if (quote.length > MAX_QUOTE_LENGTH) {
    // Too long to quote: keep the element it is in, and the start of the text to show.
    return {
      quote: `${quote.slice(0, MAX_QUOTE_LENGTH - 1)}…`,
      selectors: selectors.filter((s) => s.type === 'CssSelector' || s.type === 'XPathSelector'),
    };
  }
  return { quote, selectors };
}

/** What the person selected on the page, as W3C selectors; nothing selected means the page. */
export function captureSelection(doc: Document): CapturedTarget {
  const selection = doc.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return NOTHING;
  const range = selection.getRangeAt(0);
  if (isInsideFlywheelUi(range.commonAncestorContainer)) return NOTHING;
  const selectors = describe(range);
  const quoteSelector = selectors.find((s) => s.type === 'TextQuoteSelector');
  const quote = quoteSelector?.exact ?? range.toString();
  if (quote.trim() === '') return NOTHING;
  return withQuote(quote, selectors);
}

/** An element the person picked as a whole; one without text is quoted by its name. */
export function captureElement(element: Element): CapturedTarget {
  const selectors = describeElement(element);
  const text = selectors.find((s) => s.type === 'TextQuoteSelector')?.exact;
  const name = ['alt', 'aria-label', 'title', 'placeholder', 'name']
    .map((attribute) => element.getAttribute(attribute)?.trim())
    .find(Boolean);
  return withQuote(text || name || `<${element.localName}>`, selectors);
}
