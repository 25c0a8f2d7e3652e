// @vitest-environment happy-dom
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { createAnchorer } from '../../../utils/anchoring';
import { MIN_UNIQUE_LENGTH } from '../../../utils/anchoring/match-quote';
import { seededRandom } from '../../support/seeded-random';

// The measurement behind MIN_UNIQUE_LENGTH: how often does a run of N characters taken from one
// README occur exactly once in an unrelated README? That is how often a quote found once, with
// no context to confirm it, would be a chance match rather than the passage.
const FOLDERS = ['corpus', 'corpus-revisions'].map((name) =>
  join(import.meta.dirname, '../../fixtures', name),
);
const documents = FOLDERS.flatMap((folder) =>
  readdirSync(folder).map((file) => {
    const window = new Window({ settings: { disableJavaScriptFileLoading: true } });
    const document = window.document as unknown as Document;
    document.body.innerHTML = marked.parse(readFileSync(join(folder, file), 'utf8'), {
      async: false,
    });
    return { name: file.replace(/-\d.*$/, ''), text: createAnchorer(document).index.text };
  }),
);

function chanceRate(length: number, samples = 200): number {
  const next = seededRandom(length);
  let tries = 0;
  let once = 0;
  for (let taken = 0; taken < samples; ) {
    const from = documents[Math.floor(next() * documents.length)] as (typeof documents)[number];
    const words = [...from.text.matchAll(/\S+/g)];
    const start = words[Math.floor(next() * words.length)]?.index ?? 0;
    let end = start + length;
    while (end < from.text.length && from.text[end] !== ' ') end++;
    if (end - start > length + 6) continue;
    taken++;
    const run = from.text.slice(start, end);
    for (const other of documents) {
      if (other.name === from.name) continue;
      tries++;
      const at = other.text.indexOf(run);
      if (at !== -1 && other.text.indexOf(run, at + 1) === -1) once++;
    }
  }
  return once / tries;
}

describe('chance matches of short verbatim runs', () => {
  it('are rarer than 1 in 100 from MIN_UNIQUE_LENGTH on, and more common just below it', () => {
    const below = chanceRate(MIN_UNIQUE_LENGTH - 4);
    const at = chanceRate(MIN_UNIQUE_LENGTH);
    expect(at).toBeLessThan(0.01);
    expect(below).toBeGreaterThan(at * 2);
  });
});
