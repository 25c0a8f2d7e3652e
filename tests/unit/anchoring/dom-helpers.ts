// Test helpers that build selections from raw DOM text, independently of the text model
// under test.

/** A Range over the `nth` occurrence of `needle` in the raw text nodes under `container`. */
export function selectText(container: Node, needle: string, nth = 0): Range {
  const doc = container.ownerDocument ?? (container as Document);
  const walker = doc.createTreeWalker(container, 4);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  const raw = nodes.map((node) => node.data).join('');
  let at = raw.indexOf(needle);
  for (let i = 0; i < nth && at !== -1; i++) at = raw.indexOf(needle, at + 1);
  if (at === -1) throw new Error(`"${needle}" not in the fixture`);
  const range = doc.createRange();
  let offset = 0;
  for (const node of nodes) {
    const end = offset + node.data.length;
    if (at >= offset && at < end) range.setStart(node, at - offset);
    if (at + needle.length > offset && at + needle.length <= end) {
      range.setEnd(node, at + needle.length - offset);
      break;
    }
    offset = end;
  }
  return range;
}

/** Replaces the document body, as a page revision would. */
export function setBody(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}

/** Range text with whitespace runs collapsed, to compare with what a person sees. */
export function textOf(range: Range | null): string | null {
  return range ? range.toString().replace(/\s+/g, ' ').trim() : null;
}
