// Every word a person reads comes from the locale files (English and Dutch): a scan of the
// UI code for text written inline. JSX text, string literals shown as JSX children, and the
// attributes a person or a screen reader gets (aria-label, title, placeholder, alt...) must
// come from t(); the content script's DOM code must not set them from literals either.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSync } from 'vite';
import { describe, expect, it } from 'vitest';

const UI_FOLDERS = ['components', 'entrypoints/popup', 'entrypoints/options', 'entrypoints/editor'];
const SHOWN_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-placeholder',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  'label',
]);
/** Text with a letter in it is words; "…", "“", " · " and the like are typography. */
const WORDS = /\p{L}/u;

function files(folder: string, pattern: RegExp): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => join(folder, name));
}

type Node = { type: string; start: number; [key: string]: unknown };
const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';

/** String literals an expression can evaluate to when shown (`a ? 'x' : 'y'`, `a || 'x'`). */
function shownLiterals(expression: unknown): Node[] {
  if (!isNode(expression)) return [];
  switch (expression.type) {
    case 'Literal':
      return typeof expression.value === 'string' ? [expression] : [];
    case 'TemplateLiteral':
      return (expression.quasis as Node[]).filter((q) =>
        WORDS.test(String((q.value as { cooked?: string }).cooked ?? '')),
      );
    case 'ConditionalExpression':
      return [...shownLiterals(expression.consequent), ...shownLiterals(expression.alternate)];
    case 'LogicalExpression':
      return [...shownLiterals(expression.left), ...shownLiterals(expression.right)];
    default:
      return [];
  }
}

function literalText(node: Node): string {
  return node.type === 'Literal'
    ? String(node.value)
    : String((node.value as { cooked?: string }).cooked ?? '');
}

/** Inline words in one TSX file, as `line: text`. */
function inlineWords(source: string, filename: string): string[] {
  const { program, errors } = parseSync(filename, source, { lang: 'tsx' });
  expect(errors, filename).toEqual([]);
  const found: { start: number; text: string }[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isNode(node)) return;
    if (node.type === 'JSXText' && WORDS.test(String(node.value))) {
      found.push({ start: node.start, text: String(node.value).trim() });
    }
    if (node.type === 'JSXElement' || node.type === 'JSXFragment') {
      for (const child of node.children as Node[]) {
        if (child.type === 'JSXExpressionContainer') {
          for (const literal of shownLiterals(child.expression)) {
            if (WORDS.test(literalText(literal))) {
              found.push({ start: literal.start, text: literalText(literal) });
            }
          }
        }
      }
    }
    if (node.type === 'JSXAttribute') {
      const name = (node.name as { name?: string }).name ?? '';
      if (SHOWN_ATTRIBUTES.has(name)) {
        const value = node.value as Node | null;
        const literals =
          value?.type === 'JSXExpressionContainer'
            ? shownLiterals(value.expression)
            : value
              ? shownLiterals(value)
              : [];
        for (const literal of literals) {
          if (WORDS.test(literalText(literal))) {
            found.push({ start: literal.start, text: `${name}="${literalText(literal)}"` });
          }
        }
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'type' && key !== 'start' && key !== 'end') visit(value);
    }
  };
  visit(program);
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  return found
    .sort((a, b) => a.start - b.start)
    .map(({ start, text }) => `${filename}:${lineOf(start)}: ${text}`);
}

describe('no UI text outside the locale files', () => {
  it('finds inline text (so a pass below means something)', () => {
    const sample = `export const A = () => (
      <div title="Close it" aria-label={open ? 'Hide' : t('show')}>
        Hello
        {busy ? 'Saving…' : null}
        <input placeholder={t('ok')} alt="" />
        {' · '}“{quote}”
      </div>
    );`;
    expect(inlineWords(sample, 'sample.tsx').map((line) => line.replace(/^[^ ]+ /, ''))).toEqual([
      'title="Close it"',
      'aria-label="Hide"',
      'Hello',
      'Saving…',
    ]);
  });

  it('has none in components, the popup, the options page and the editor', () => {
    const tsx = UI_FOLDERS.flatMap((folder) => files(folder, /\.tsx$/));
    expect(tsx.length).toBeGreaterThan(10);
    const findings = tsx.flatMap((file) => inlineWords(readFileSync(file, 'utf8'), file));
    expect(findings).toEqual([]);
  });

  it("has none set by the content script's DOM code", () => {
    const setters =
      /(?:setAttribute\(\s*'(?:aria-label|aria-description|title|placeholder|alt)'\s*,\s*|\.(?:textContent|title|ariaLabel|placeholder)\s*=\s*)(['"`])([^'"`]*\p{L}[^'"`]*)\1/gu;
    // The content script's folder, by either of the names it has had.
    const folders = ['entrypoints/content', 'entrypoints/content-script'].filter(existsSync);
    expect(folders).toHaveLength(1);
    const scripts = folders.flatMap((folder) => files(folder, /\.ts$/));
    expect(scripts.length).toBeGreaterThan(3);
    const findings = scripts.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(setters)].map((m) => `${file}: ${m[2]}`),
    );
    expect(findings).toEqual([]);
  });

  it('sets no English in the pages themselves: their HTML holds only the name', () => {
    for (const file of UI_FOLDERS.slice(1).flatMap((folder) => files(folder, /\.html$/))) {
      const html = readFileSync(file, 'utf8');
      const title = html.match(/<title>([^<]*)<\/title>/)?.[1];
      expect(title, file).toBe('Flywheel');
      const body = html.match(/<body>([\s\S]*)<\/body>/)?.[1] ?? '';
      expect(body.replace(/<[^>]*>/g, '').trim(), file).toBe('');
    }
  });
});
