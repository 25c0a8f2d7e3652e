// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { computeCorpusFigures } from './corpus';

// Real README revisions of npm packages (see corpus.ts for sampling and labelling). The floors
// are the budgets of DESIGN.md: every unchanged quote exact, edited recall >= 90%, at most one
// wrong answer per 150 quotes.
describe('anchoring on the README corpus', () => {
  const { figures, outcomes } = computeCorpusFigures();
  const wrong = outcomes.filter((outcome) => outcome.outcome === 'wrong');

  it('anchors wrongly at most once per 150 quotes', () => {
    expect(wrong.length).toBeLessThanOrEqual(Math.floor(outcomes.length / 150));
  });

  it('finds every unchanged quote, and every verbatim quote whose context changed', () => {
    expect(figures.unchanged.total).toBeGreaterThan(100);
    expect(figures.unchanged.correct).toBe(figures.unchanged.total);
    expect(figures['context-edited'].correct).toBe(figures['context-edited'].total);
  });

  it('finds at least 90% of the edited quotes', () => {
    expect(figures.edited.total).toBeGreaterThan(50);
    expect(figures.edited.correct / figures.edited.total).toBeGreaterThanOrEqual(0.9);
  });
});
