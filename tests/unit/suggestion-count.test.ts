import { describe, expect, it } from 'vitest';
import { countUnsent } from '@/entrypoints/background/badge';
import { createKeptCount, createSuggestionCount } from '@/entrypoints/background/suggestion-count';
import { FlywheelDatabase } from '@/utils/background/db';
import type { Suggestion } from '@/utils/shared/suggestion';

function row(i: number): Suggestion {
  return {
    id: crypto.randomUUID(),
    pageUrl: 'https://intranet.example/process/po',
    pageTitle: 'Purchase order',
    text: `s${i}`,
    quote: '',
    selectors: [],
    anonymous: false,
    syncState: 'queued',
    createdAt: i,
    updatedAt: i,
  } as Suggestion;
}

describe('the kept count of stored suggestions', () => {
  it('follows every write to the table, and only asks IndexedDB again after one', async () => {
    const db = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
    const stored = createSuggestionCount(db);
    let counted = 0;
    const count = db.suggestions.count.bind(db.suggestions);
    db.suggestions.count = (() => {
      counted++;
      return count();
    }) as typeof db.suggestions.count;
    try {
      expect(await stored.get()).toBe(0);
      await db.suggestions.bulkAdd([row(1), row(2), row(3)]);
      expect(await stored.get()).toBe(3);
      expect(await stored.get()).toBe(3);
      expect(counted).toBe(2);

      const first = row(4);
      await db.suggestions.add(first);
      expect(await stored.get()).toBe(4);
      await db.suggestions.delete(first.id);
      expect(await stored.get()).toBe(3);
      // A change to a row leaves the number as it is, and the count stays right.
      await db.suggestions.update(first.id, { text: 'gone' });
      expect(await stored.get()).toBe(3);
      await db.transaction('rw', db.suggestions, async () => {
        await db.suggestions.add(row(5));
        await db.suggestions.add(row(6));
      });
      expect(await stored.get()).toBe(5);
      await db.suggestions.clear();
      expect(await stored.get()).toBe(0);
    } finally {
      stored.stop();
      db.close();
    }
  });

  it('does not keep a count that a write overtook', async () => {
    const db = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
    const stored = createSuggestionCount(db);
    try {
      await db.suggestions.add(row(1));
      // Asked while a write is on its way: whatever this answer says, the next one is fresh.
      const [during] = await Promise.all([stored.get(), db.suggestions.add(row(2))]);
      expect([1, 2]).toContain(during);
      expect(await stored.get()).toBe(2);
    } finally {
      stored.stop();
      db.close();
    }
  });

  it('counts each database on its own', async () => {
    const one = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
    const other = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
    const inOne = createSuggestionCount(one);
    try {
      expect(await inOne.get()).toBe(0);
      await other.suggestions.add(row(1));
      await one.suggestions.add(row(1));
      await one.suggestions.add(row(2));
      expect(await inOne.get()).toBe(2);
    } finally {
      inOne.stop();
      one.close();
      other.close();
    }
  });

  it('keeps the sync bar’s count of unsent suggestions right as their states change', async () => {
    const db = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
    const unsent = createKeptCount(db, () => countUnsent(db));
    try {
      const one = row(1);
      await db.suggestions.bulkAdd([one, row(2)]);
      expect(await unsent.get()).toBe(2);
      await db.suggestions.update(one.id, { syncState: 'synced' });
      expect(await unsent.get()).toBe(1);
      await db.suggestions.update(one.id, { syncState: 'failed' });
      expect(await unsent.get()).toBe(2);
    } finally {
      unsent.stop();
      db.close();
    }
  });
});
