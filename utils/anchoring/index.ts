// Anchoring in one piece: the anchorer of core.ts with the edited steps (edited.ts) built in.
// Tests, benchmarks and anything else that is not the content script use this; the content
// script uses core.ts and loads the edited steps only where a page needs them.
import { anchorAllWith, createPartialAnchorer, type PartialAnchorer } from './core';
import { matchEdited } from './edited';
import type { Selector } from './types';
import type { QuoteMatch } from './verbatim';

export { CONTEXT_LENGTH, describe, describeElement, UI_HOST_ATTRIBUTE } from './core';
export type { Selector } from './types';
export type { QuoteMatch } from './verbatim';

export interface Anchorer extends PartialAnchorer {
  /** Where a text target is in the model (no DOM work), or null; for counting and batching. */
  locate(selectors: Selector[]): QuoteMatch | null;
  anchor(selectors: Selector[]): Range | null;
}

/** Builds the text index of `root` once, for describing and anchoring many suggestions. */
export function createAnchorer(root: Document | Element): Anchorer {
  // With the edited step, nothing answers `undefined`.
  return createPartialAnchorer(root, matchEdited) as Anchorer;
}

/** Finds the selectors' target in `root`, or null when not confident (an orphan). */
export function anchor(root: Document | Element, selectors: Selector[]): Range | null {
  return createAnchorer(root).anchor(selectors);
}

/**
 * Anchors many suggestions against one text index, yielding to the page between slices so no
 * task runs longer than `sliceMs` plus one anchor.
 */
export function anchorAll(
  root: Document | Element,
  targets: Selector[][],
  sliceMs = 8,
): Promise<(Range | null)[]> {
  return anchorAllWith(root, targets, matchEdited, sliceMs) as Promise<(Range | null)[]>;
}
