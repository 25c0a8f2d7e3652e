import { describe, expect, it } from 'vitest';
import { formatDateTime, formatList, formatNumber, relativeTime } from '@/utils/shared/format';

const now = Date.UTC(2026, 11, 2, 12, 0, 0);

describe("dates, times and numbers in the UI's language", () => {
  it('says how long ago in Dutch when the UI is Dutch', () => {
    expect(relativeTime(now - 4_000, now, 'nl')).toBe('4 seconden geleden');
    expect(relativeTime(now - 3 * 60_000, now, 'nl')).toBe('3 minuten geleden');
    expect(relativeTime(now - 2 * 86_400_000, now, 'nl')).toBe('eergisteren');
    expect(relativeTime(now, now, 'nl')).toBe('nu');
  });

  it('and in English when it is English', () => {
    expect(relativeTime(now - 4_000, now, 'en')).toBe('4 seconds ago');
    expect(relativeTime(now - 3 * 3_600_000, now, 'en')).toBe('3 hours ago');
    expect(relativeTime(now + 86_400_000, now, 'en')).toBe('tomorrow');
    expect(relativeTime(now - 400, now, 'en')).toBe('now');
  });

  it('groups digits as the language does', () => {
    expect(formatNumber(10_000, 'nl')).toBe('10.000');
    expect(formatNumber(10_000, 'en')).toBe('10,000');
    expect(formatNumber(7, 'nl')).toBe('7');
  });

  it('writes dates and lists as the language does', () => {
    expect(formatDateTime(now, 'nl')).toMatch(/^0?2-12-(20)?26/);
    expect(formatDateTime(now, 'en')).toMatch(/^12\/2\/26/);
    expect(formatList(['Onduidelijk', 'Verouderd'], 'nl')).toBe('Onduidelijk en Verouderd');
    expect(formatList(['Unclear', 'Outdated', 'Other'], 'en')).toBe('Unclear, Outdated, and Other');
  });
});
