import { describe, expect, it } from 'vitest';
import { fillTemplate } from '@/utils/shared/page-labels';

describe('page label templates', () => {
  it('fills positional placeholders and leaves the rest of the text alone', () => {
    expect(fillTemplate('$1 of $2: $3', ['2', '5', 'Queued'])).toBe('2 of 5: Queued');
    expect(fillTemplate('$1 suggestions on this page', '3')).toBe('3 suggestions on this page');
    expect(fillTemplate('Costs €5 or $9', [])).toBe('Costs €5 or $9');
  });

  it('never interprets a substituted value as a placeholder', () => {
    expect(fillTemplate('$1 and $2', ['$2', 'x'])).toBe('$2 and x');
  });
});
