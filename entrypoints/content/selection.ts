import { describe } from '@/utils/anchoring';
import type { Selector } from '@/utils/anchoring/types';
import { MAX_QUOTE_LENGTH } from '@/utils/suggestion';
import { isInsideFlywheelUi } from './protected-host';

export interface CapturedTarget {
  quote: string;
  selectors: Selector[];
}

/** What the person selected on the page, as W3C selectors; nothing selected means the page. */
export function captureSelection(doc: Document): CapturedTarget {
  const selection = doc.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
    return { quote: '', selectors: [] };
  }
  const range = selection.getRangeAt(0);
  if (isInsideFlywheelUi(range.commonAncestorContainer)) return { quote: '', selectors: [] };
  const selectors = describe(range);
  const quoteSelector = selectors.find((s) => s.type === 'TextQuoteSelector');
  const quote = quoteSelector?.exact ?? range.toString();
  if (quote.trim() === '') return { quote: '', selectors: [] };
  if (quote.length > MAX_QUOTE_LENGTH) {
    // Too long to quote: keep the element it is in, and the start of the text to show.
    return {
      quote: `${quote.slice(0, MAX_QUOTE_LENGTH - 1)}…`,
      selectors: selectors.filter((s) => s.type === 'CssSelector' || s.type === 'XPathSelector'),
    };
  }
  return { quote, selectors };
}
