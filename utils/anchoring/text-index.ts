// Flywheel's text model of a DOM subtree, shared by describe() and anchor() so that offsets
// and quotes written on save mean the same thing on revisit.
//
// The model is structural, not rendered: it reads the DOM once, never computed styles, so it
// is cheap on big pages and does not change when an accordion opens or a tab switches.
// - Text of <script>, <style>, <noscript>, <template>, <textarea> and of Flywheel's own UI
//   hosts ([data-flywheel-ui]) is left out: people cannot select it as page text.
// - Every run of whitespace (JS `\s`, which includes no-break spaces) becomes one space, and
//   whitespace at the very start is dropped: re-indented HTML must not break a quote.
// - Block elements (p, li, td, h1...) and <br> are separated by one virtual space, so words
//   of adjacent blocks do not glue together. A virtual space belongs to no DOM text node.
// - An element with an open shadow root contributes its shadow tree, as rendered: a <slot> stands
//   for the light children assigned to it (or its own fallback children).
// Offsets are UTF-16 code units of this model (JS string indices).

export const UI_HOST_ATTRIBUTE = 'data-flywheel-ui';

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'textarea']);
const BLOCKS = new Set(
  'address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol option p pre section summary table tbody td tfoot th thead tr ul'.split(
    ' ',
  ),
);
const WHITESPACE = /\s/;
const WHITESPACE_RUN = /\s+/g;

/** One text node's share of the model: `text.slice(start, end)` is its collapsed data. */
interface Segment {
  node: Text;
  start: number;
  end: number;
  /** The model already ended in a space here, so this node's leading whitespace is dropped. */
  afterSpace: boolean;
}

export type Side = 'start' | 'end';

export interface TextIndex {
  readonly root: Element;
  readonly text: string;
  /** Model offset of a DOM boundary point. Points between indexed texts snap forward for a
   * range start and backward for a range end, so a range never gains outside characters. */
  offsetOf(node: Node, offset: number, side: Side): number;
  /** DOM range for the model span [start, end). */
  rangeOf(start: number, end: number): Range;
  /** Model span of an element's text. */
  spanOf(element: Element): [number, number];
  /** The element whose text holds the model character at `offset` (null between texts). */
  elementAt(offset: number): Element | null;
}

/** Same rule as the build step: runs of whitespace collapse to one space. */
export function normalizeText(value: string): string {
  return value.replace(WHITESPACE_RUN, ' ');
}

function modelLength(data: string, upTo: number, afterSpace: boolean): number {
  let count = 0;
  let space = afterSpace;
  for (let i = 0; i < upTo; i++) {
    const isSpace = WHITESPACE.test(data.charAt(i));
    if (!isSpace || !space) count++;
    space = isSpace;
  }
  return count;
}

/** Raw offset in `data` where model character `k` starts (start side) or where the k-th
 * model character ends (end side). */
function rawOffset(data: string, k: number, afterSpace: boolean, side: Side): number {
  let count = 0;
  let space = afterSpace;
  for (let i = 0; i < data.length; i++) {
    const isSpace = WHITESPACE.test(data.charAt(i));
    if (!isSpace || !space) {
      if (side === 'start' && count === k) return i;
      count++;
      if (side === 'end' && count === k) return i + 1;
    }
    space = isSpace;
  }
  return data.length;
}

export function buildTextIndex(root: Element): TextIndex {
  const chunks: string[] = [];
  const segments: Segment[] = [];
  let length = 0;
  let afterSpace = true;

  const separate = () => {
    if (afterSpace) return;
    chunks.push(' ');
    length++;
    afterSpace = true;
  };
  // Recursion over firstChild/nextSibling: faster than a TreeWalker in happy-dom and browsers.
  const visitNode = (child: Node) => {
    if (child.nodeType === 3) {
      let chunk = normalizeText((child as Text).data);
      const wasAfterSpace = afterSpace;
      if (wasAfterSpace && chunk.charCodeAt(0) === 32) chunk = chunk.slice(1);
      if (!chunk) return;
      segments.push({
        node: child as Text,
        start: length,
        end: length + chunk.length,
        afterSpace: wasAfterSpace,
      });
      chunks.push(chunk);
      length += chunk.length;
      afterSpace = chunk.charCodeAt(chunk.length - 1) === 32;
    } else if (child.nodeType === 1) {
      const element = child as Element;
      const name = element.localName;
      if (SKIPPED.has(name) || element.hasAttribute(UI_HOST_ATTRIBUTE)) return;
      const block = BLOCKS.has(name);
      if (block) separate();
      const assigned = name === 'slot' ? (element as HTMLSlotElement).assignedNodes() : [];
      if (element.shadowRoot) visit(element.shadowRoot);
      else if (assigned.length > 0) for (const node of assigned) visitNode(node);
      else visit(element);
      if (block) separate();
    }
  };
  const visit = (parent: Node) => {
    for (let child = parent.firstChild; child; child = child.nextSibling) visitNode(child);
  };
  visit(root);
  const text = chunks.join('');

  let segmentOfNode: Map<Node, Segment> | undefined;
  const doc = root.ownerDocument;

  // Index of the last segment whose start is <= offset (or -1).
  const segmentAt = (offset: number): number => {
    let low = 0;
    let high = segments.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if ((segments[mid] as Segment).start <= offset) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };

  const offsetOf = (node: Node, offset: number, side: Side): number => {
    segmentOfNode ??= new Map(segments.map((segment) => [segment.node, segment]));
    const own = segmentOfNode.get(node);
    if (own) {
      return own.start + modelLength(own.node.data, offset, own.afterSpace);
    }
    // Not an indexed text: find the first segment after the point by binary search.
    const point = doc.createRange();
    point.setStart(node, offset);
    let low = 0;
    let high = segments.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (point.comparePoint((segments[mid] as Segment).node, 0) < 0) low = mid + 1;
      else high = mid;
    }
    if (side === 'start') return segments[low]?.start ?? text.length;
    return segments[low - 1]?.end ?? 0;
  };

  const rangeOf = (start: number, end: number): Range => {
    const range = doc.createRange();
    if (segments.length === 0) {
      range.setStart(root, 0);
      return range;
    }
    let first = Math.max(0, segmentAt(start));
    let startSegment = segments[first] as Segment;
    if (start >= startSegment.end && first + 1 < segments.length) {
      first++;
      startSegment = segments[first] as Segment;
    }
    const startData = startSegment.node.data;
    const startInSegment = Math.max(0, start - startSegment.start);
    // Moving both ends next to the target first keeps the boundary-order checks local (from the
    // document's start they cost milliseconds in happy-dom on a 1 MB page).
    range.selectNodeContents(startSegment.node);
    range.setStart(
      startSegment.node,
      rawOffset(startData, startInSegment, startSegment.afterSpace, 'start'),
    );
    const last = Math.max(first, segmentAt(end - 1));
    const endSegment = segments[last] as Segment;
    const endInSegment = Math.min(end, endSegment.end) - endSegment.start;
    range.setEnd(
      endSegment.node,
      endInSegment <= 0
        ? range.startOffset
        : rawOffset(endSegment.node.data, endInSegment, endSegment.afterSpace, 'end'),
    );
    return range;
  };

  // First or last indexed text in an element, by a walk that stops at the first hit: cheaper
  // than comparing boundary points, which is slow in happy-dom on big pages.
  const edgeText = (element: Element, fromEnd: boolean): Segment | undefined => {
    segmentOfNode ??= new Map(segments.map((segment) => [segment.node, segment]));
    const map = segmentOfNode;
    const walk = (node: Node): Segment | undefined => {
      const own = map.get(node);
      if (own) return own;
      const tree = (node as Element).shadowRoot ?? node;
      for (let child = fromEnd ? tree.lastChild : tree.firstChild; child; ) {
        const found = walk(child);
        if (found) return found;
        child = fromEnd ? child.previousSibling : child.nextSibling;
      }
      return undefined;
    };
    return walk(element);
  };

  const spanOf = (element: Element): [number, number] => {
    const first = edgeText(element, false);
    const last = edgeText(element, true);
    if (!first || !last) {
      const at = offsetOf(element, 0, 'start');
      return [at, at];
    }
    return [first.start, last.end];
  };

  const elementAt = (offset: number): Element | null => {
    const segment = segments[segmentAt(offset)];
    return segment && offset < segment.end ? segment.node.parentElement : null;
  };

  return { root, text, offsetOf, rangeOf, spanOf, elementAt };
}
