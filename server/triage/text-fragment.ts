// "Open on the page": the page's URL with a text fragment (https://wicg.github.io/scroll-to-text-fragment/),
// `#:~:text=[prefix-,]start[,end][,-suffix]`, so the browser scrolls to the quote and marks it.

export interface Quote {
  exact: string;
  prefix?: string;
  suffix?: string;
}

/** Words kept at each end of a long or multi-line quote (start,end form). */
const EDGE_WORDS = 4;
/** Longer quotes than this are linked by their first and last words. */
const WHOLE_QUOTE_MAX = 80;
/** Context words kept next to the quote. */
const CONTEXT_WORDS = 3;

/** Percent-encodes a term: `-`, `,` and `&` are syntax inside a text directive. */
function encodeTerm(term: string): string {
  return encodeURIComponent(term).replace(/-/g, '%2D');
}

const words = (text: string) => text.split(/\s+/).filter((word) => word.length > 0);

/**
 * The prefix ends where the quote starts, but its own start may cut a word (the extension
 * keeps 32 characters); a context term must begin on a word boundary, so the cut word goes.
 */
function prefixTerm(prefix: string | undefined): string | undefined {
  if (!prefix) return undefined;
  const parts = words(prefix);
  if (!/^\s/.test(prefix) && parts.length > 1) parts.shift();
  const term = parts.slice(-CONTEXT_WORDS).join(' ');
  return term.length > 0 ? term : undefined;
}

function suffixTerm(suffix: string | undefined): string | undefined {
  if (!suffix) return undefined;
  const parts = words(suffix);
  if (!/\s$/.test(suffix) && parts.length > 1) parts.pop();
  const term = parts.slice(0, CONTEXT_WORDS).join(' ');
  return term.length > 0 ? term : undefined;
}

/** The `text=` directive's value for a quote, or undefined when there is nothing to find. */
export function textDirective(quote: Quote): string | undefined {
  const exact = quote.exact.trim();
  if (exact.length === 0) return undefined;
  const terms: string[] = [];
  const prefix = prefixTerm(quote.prefix);
  if (prefix) terms.push(`${encodeTerm(prefix)}-`);
  // A text directive's start cannot span block boundaries (a line break in the quote), but a
  // start,end pair can; long quotes are matched by their edges, which keeps the URL short.
  const lines = exact.split(/\n/).filter((line) => line.trim().length > 0);
  if (lines.length > 1 || exact.length > WHOLE_QUOTE_MAX) {
    const first = words(lines[0] ?? exact);
    const last = words(lines.at(-1) ?? exact);
    const start = first.slice(0, EDGE_WORDS).join(' ');
    const end = (lines.length > 1 ? last : first.slice(EDGE_WORDS)).slice(-EDGE_WORDS).join(' ');
    terms.push(encodeTerm(start));
    if (end.length > 0) terms.push(encodeTerm(end));
  } else {
    terms.push(encodeTerm(exact.replace(/\s+/g, ' ')));
  }
  const suffix = suffixTerm(quote.suffix);
  if (suffix) terms.push(`-${encodeTerm(suffix)}`);
  return terms.join(',');
}

/** The page URL with the quote's text fragment; a hash route (`#/chapter`) is kept. */
export function pageLinkWithQuote(pageUrl: string, quote: Quote | undefined): string {
  const directive = quote ? textDirective(quote) : undefined;
  if (!directive) return pageUrl;
  return `${pageUrl}${pageUrl.includes('#') ? '' : '#'}:~:text=${directive}`;
}
