// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { computeRevisionFigures } from './corpus-revisions';

// The second corpus (see corpus-revisions.ts). Floors are the budgets where met and today's
// figures where not, so that any regression fails.
describe('anchoring on the second README corpus (moved sections, tables of contents)', () => {
  const { figures, outcomes } = computeRevisionFigures();
  const count = (label: keyof typeof figures, outcome: 'correct' | 'wrong' | 'orphan') =>
    figures[label][outcome];

  it('anchors wrongly at most once per 150 quotes', () => {
    const wrong = outcomes.filter((outcome) => outcome.outcome === 'wrong');
    expect(wrong.length).toBeLessThanOrEqual(Math.floor(outcomes.length / 150));
  });

  it('finds verbatim quotes exactly, a heading rather than its contents entry', () => {
    expect(figures.unchanged.total).toBeGreaterThan(150);
    expect(count('unchanged', 'wrong')).toBe(0);
    // One 9-character quote ("Version 4", a heading, now words in a sentence near where it was)
    // is below MIN_UNIQUE_LENGTH and stays an orphan; everything else is found.
    expect(count('unchanged', 'orphan')).toBeLessThanOrEqual(1);
    // Short copies away from their neighbourhood: an orphan or the copy, never elsewhere.
    expect(count('chance', 'wrong')).toBe(0);
    expect(figures.repeated.total).toBeGreaterThan(50);
    expect(count('repeated', 'wrong')).toBe(0);
    expect(count('repeated', 'correct') / figures.repeated.total).toBeGreaterThanOrEqual(0.93);
  });

  it('finds every quote again in an unchanged document', () => {
    expect(count('same', 'correct')).toBe(figures.same.total);
  });

  it('finds at least 81% of the edited quotes (budget 90%)', () => {
    expect(figures.edited.total).toBeGreaterThan(40);
    expect(count('edited', 'correct') / figures.edited.total).toBeGreaterThanOrEqual(0.81);
  });
});
