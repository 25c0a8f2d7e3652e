// How many suggestions are stored, for the popup's "20 of 10,000". IndexedDB counts by walking
// every row (about 20 ms at 10,000 in Chromium, more than the page of rows itself), and the
// popup asks at every open and every "Show more". The background is the one writer, and Dexie
// reports each of its committed writes: the count is kept until a write to the table.
import Dexie, { type ObservabilitySet } from 'dexie';
import type { FlywheelDatabase } from '@/utils/background/db';

export function createSuggestionCount(db: FlywheelDatabase): {
  total: () => Promise<number>;
  stop: () => void;
} {
  const part = `idb://${db.name}/suggestions/`;
  let known: number | null = null;
  /** Bumped by every committed write to the table: a count begun before one is not kept. */
  let writes = 0;
  let counting: { writes: number; count: Promise<number> } | null = null;
  const mutated = (parts: ObservabilitySet) => {
    if (!(part in parts)) return;
    writes++;
    known = null;
  };
  Dexie.on('storagemutated', mutated);
  return {
    total() {
      if (known !== null) return Promise.resolve(known);
      // Opens at the same moment (the popup's first page and its top-up) share one count.
      if (counting?.writes === writes) return counting.count;
      const began = writes;
      const count = db.suggestions.count().then((n) => {
        if (writes === began) known = n;
        return n;
      });
      counting = { writes: began, count };
      // A count that failed is asked again next time (its caller hears of the failure).
      count.catch(() => {
        if (counting?.count === count) counting = null;
      });
      return count;
    },
    stop: () => Dexie.on('storagemutated').unsubscribe(mutated),
  };
}
