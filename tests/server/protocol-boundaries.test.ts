// @vitest-environment node
// One schema per concept: utils/protocol is shared by the extension and the server, so it may
// import valibot and the anchoring types alone; the server takes nothing else from the
// extension's tree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** Each import of a file: its specifier, and whether it is `import type`. */
function importsOf(file: string): { from: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { from: string; typeOnly: boolean }[] = [];
  for (const match of text.matchAll(
    /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gms,
  )) {
    found.push({ from: match[3] ?? '', typeOnly: Boolean(match[2]) });
  }
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push({ from: match[1] ?? '', typeOnly: false });
  }
  return found;
}

describe('protocol boundaries', () => {
  it('utils/protocol imports only valibot, its own files and (type-only) ../anchoring/types', () => {
    const offending = sources(join(ROOT, 'utils', 'protocol')).flatMap((file) =>
      importsOf(file)
        .filter(
          ({ from, typeOnly }) =>
            from !== 'valibot' &&
            !from.startsWith('./') &&
            !(typeOnly && from === '../anchoring/types'),
        )
        .map(({ from }) => `${relative(ROOT, file)} imports ${from}`),
    );
    expect(offending).toEqual([]);
  });

  it('reads the imports it checks', () => {
    const protocolImports = sources(join(ROOT, 'utils', 'protocol')).flatMap(importsOf);
    expect(protocolImports.some(({ from }) => from === 'valibot')).toBe(true);
    expect(
      protocolImports.some(({ from, typeOnly }) => typeOnly && from === '../anchoring/types'),
    ).toBe(true);
    const serverImports = sources(join(ROOT, 'server')).flatMap(importsOf);
    expect(
      serverImports.filter(({ from }) => from.includes('utils/protocol')).length,
    ).toBeGreaterThan(3);
  });

  it('the server imports only utils/protocol from the extension tree', () => {
    const offending = sources(join(ROOT, 'server')).flatMap((file) =>
      importsOf(file)
        .filter(
          ({ from }) => (from.startsWith('.') && !from.startsWith('./')) || from.startsWith('@/'),
        )
        .filter(({ from }) => {
          const resolved = relative(ROOT, join(file, '..', from));
          return !resolved.startsWith('server') && !resolved.startsWith(join('utils', 'protocol'));
        })
        .map(({ from }) => `${relative(ROOT, file)} imports ${from}`),
    );
    expect(offending).toEqual([]);
  });

  it('exports what the extension messaging needs instead of its own copies', async () => {
    const protocol = await import('../../utils/protocol/annotation');
    expect(protocol.SelectorSchema).toBeTruthy();
    expect(protocol.SUGGESTION_STATUSES).toEqual([
      'submitted',
      'under-review',
      'planned',
      'done',
      'declined',
    ]);
    expect(protocol.SUGGESTION_CATEGORIES.length).toBeGreaterThan(0);
    expect(protocol.LIMITS.url).toBe(2_048);
  });
});
