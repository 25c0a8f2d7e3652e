// A short CSS selector that is unique under `root` when written. Written by hand (about 50
// lines) because the usual generators (e.g. finder) cost more bytes than the content script can
// spare. Selectors are evaluated with root.querySelector, so `:scope` means the text root.

// Ids that look machine-made (framework counters, hashes) change between page loads.
const STABLE_ID = /^[A-Za-z][\w-]*$/;
const GENERATED_ID = /\d{4,}|[0-9a-f]{8,}/i;
// Attributes that name what a picked element is, in order of preference.
const IDENTIFYING_ATTRIBUTES = ['name', 'alt', 'aria-label', 'title', 'src', 'href'];

function quoteValue(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ')}"`;
}

export function queryUnder(root: Element, selector: string): Element | null {
  try {
    return root.querySelector(selector);
  } catch {
    // A stored selector from another tool may be invalid here; treat it as no hint.
    return null;
  }
}

function isUnique(root: Element, selector: string): boolean {
  try {
    return root.querySelectorAll(selector).length === 1;
  } catch {
    return false;
  }
}

function stableId(element: Element): string | null {
  const id = element.id;
  return id && STABLE_ID.test(id) && !GENERATED_ID.test(id) ? `#${id}` : null;
}

function step(element: Element): string {
  const name = element.localName;
  const parent = element.parentElement;
  if (!parent) return name;
  let sameName = 0;
  let position = 0;
  for (let index = 0; index < parent.children.length; index++) {
    const sibling = parent.children[index] as Element;
    if (sibling === element) position = index + 1;
    if (sibling.localName === name) sameName++;
  }
  return sameName === 1 ? name : `${name}:nth-child(${position})`;
}

/**
 * Selector for `element` under `root`: a unique stable id, else (for picked elements) a unique
 * identifying attribute, else the shortest unique child path, anchored at an id or the root.
 */
export function cssSelectorFor(element: Element, root: Element, byAttributes = false): string {
  if (element === root) return ':scope';
  if (byAttributes) {
    for (const attribute of IDENTIFYING_ATTRIBUTES) {
      const value = element.getAttribute(attribute);
      if (!value) continue;
      const selector = `${element.localName}[${attribute}=${quoteValue(value)}]`;
      if (isUnique(root, selector)) return selector;
    }
  }
  const path: string[] = [];
  for (let current: Element | null = element; current && current !== root; ) {
    const id = stableId(current);
    if (id && isUnique(root, id)) return [id, ...path].join(' > ');
    path.unshift(step(current));
    const selector = path.join(' > ');
    if (isUnique(root, selector)) return selector;
    current = current.parentElement;
  }
  return [':scope', ...path].join(' > ');
}

/**
 * The element under `root` at a simple XPath of element steps from the document
 * (`/html/body/div[2]/p[3]`, the form other tools write); null for anything else.
 */
export function xpathUnder(root: Element, path: string): Element | null {
  let from: Element | Document | undefined = root.ownerDocument;
  for (const step of path.split('/').filter(Boolean)) {
    const parts = step.match(/^([\w-]+)(?:\[(\d+)\])?$/);
    if (!from || !parts) return null;
    const name = parts[1]?.toLowerCase();
    from = [...from.children].filter((child) => child.localName === name)[
      Number(parts[2] ?? 1) - 1
    ];
  }
  return from && from !== root.ownerDocument && root.contains(from as Element)
    ? (from as Element)
    : null;
}
