// The W3C selectors Flywheel writes and reads, as one schema for every context and the server.
import * as v from 'valibot';
import type {
  CssSelector,
  Selector,
  TextPositionSelector,
  TextQuoteSelector,
  XPathSelector,
} from '../anchoring/types';
import { LIMITS } from './vocabulary';

const textQuoteSelector: v.GenericSchema<TextQuoteSelector> = v.object({
  type: v.literal('TextQuoteSelector'),
  exact: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.quote)),
  prefix: v.optional(v.pipe(v.string(), v.maxLength(LIMITS.quoteContext))),
  suffix: v.optional(v.pipe(v.string(), v.maxLength(LIMITS.quoteContext))),
});

const offset = v.pipe(v.number(), v.integer(), v.minValue(0));
const textPositionSelector: v.GenericSchema<TextPositionSelector> = v.pipe(
  v.object({ type: v.literal('TextPositionSelector'), start: offset, end: offset }),
  v.check((selector) => selector.end >= selector.start, 'end must not be before start'),
);

const elementSelectorValue = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(LIMITS.elementSelector),
);
const cssSelector: v.GenericSchema<CssSelector> = v.object({
  type: v.literal('CssSelector'),
  value: elementSelectorValue,
});
const xpathSelector: v.GenericSchema<XPathSelector> = v.object({
  type: v.literal('XPathSelector'),
  value: elementSelectorValue,
});

/** Any selector Flywheel writes or reads: the one schema for it, in every context. */
export const SelectorSchema: v.GenericSchema<Selector> = v.union([
  textQuoteSelector,
  textPositionSelector,
  cssSelector,
  xpathSelector,
]);
