// Finding a quote in the text model. A wrong anchor is worse than an orphan: every answer needs
// evidence, and the rule below says which. Figures beside the constants come from the two README
// revision corpora in tests/unit/anchoring (360 + 661 labelled quotes); the ones marked
// "not measured" are judgement calls that no corpus case has tested yet.
//
// 1. Verbatim: a quote found exactly once is taken, whatever its context, when it is at least
//    MIN_UNIQUE_LENGTH long; shorter ones need context (contextScore >= CONTEXT_MIN). Several
//    copies are told apart by context, then by the kind of element around them (a heading from
//    its table-of-contents link), then by position.
// 2. Edited: candidate places come from exact pieces of the quote, from the position and
//    element hints and from the surviving context; each is verified by a bounded edit distance
//    (case-blind). With context on at least one side the budget is 20-30% edits; with none, a
//    place is only taken if it is the one clear best place and within LONE_ERRORS. The pieces'
//    own windows are searched first; a place there near a hint whose context agrees ends it.
// 2b. Partly deleted: where the pieces are, context + quote + context is aligned (local
//    alignment); the text aligned to the quote is taken when a unique identical run pins a side
//    of the context into the quote and most of what is aligned is identical (see PARTIAL_SHARE).
// 3. Rewritten: when both sides of the context are still there verbatim, once each, with text
//    of about the quote's length between them that keeps most of its words, that text is it.
//
// Step 1 is verbatim.ts (in the content script); steps 2, 2b and 3 are edited.ts, which the
// content script loads only on a page where a quote is not found verbatim (anchoring-fuzzy.js).
// Here they are put together again, for whatever anchors in one piece (tests, benchmarks).
import { matchEdited } from './edited';
import { matchVerbatim, type QuoteMatch, type QuoteQuery } from './verbatim';

export {
  BASE_ERRORS,
  errorBudget,
  LONE_ERRORS,
  MAX_ERRORS,
  MIN_LONE_LENGTH,
  matchEdited,
  NEAR_SLACK,
} from './edited';
export {
  CONTEXT_MIN,
  contextScore,
  keptShare,
  MIN_FUZZY_LENGTH,
  MIN_UNIQUE_LENGTH,
  matchVerbatim,
  type QuoteMatch,
  type QuoteQuery,
  similarity,
  trimmedSpan,
} from './verbatim';

/** The whole rule: verbatim, else edited. */
export function matchQuote(text: string, query: QuoteQuery): QuoteMatch | null {
  const found = matchVerbatim(text, query);
  return found === false ? matchEdited(text, query) : found;
}
