// Counts of stored suggestions the popup asks for at every open: how many there are (its
// "20 of 10,000") and how many are not sent yet (its sync bar). IndexedDB counts by walking
// every row in range (about 20 ms per 1,000 rows in Chromium, far more than the page of rows
// the popup shows). The background is the one writer, and Dexie reports each of its committed
// writes: a count is kept until the next write to the table.
import Dexie, { type ObservabilitySet } from 'dexie';
import type { FlywheelDatabase } from '@/utils/background/db';

export interface KeptCount {
  get: () => Promise<number>;
  /** Stops listening for writes (tests). */
  stop: () => void;
}

export function createKeptCount(db: FlywheelDatabase, count: () => Promise<number>): KeptCount {
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
    get() {
      if (known !== null) return Promise.resolve(known);
      // Asked again while counting, with no write between: the same count answers both.
      if (counting?.writes === writes) return counting.count;
      const began = writes;
      const counted = count().then((n) => {
        if (writes === began) known = n;
        return n;
      });
      counting = { writes: began, count: counted };
      // A count that failed is asked again next time (its caller hears of the failure).
      counted.catch(() => {
        if (counting?.count === counted) counting = null;
      });
      return counted;
    },
    stop: () => Dexie.on('storagemutated').unsubscribe(mutated),
  };
}

/** How many suggestions are stored. */
export function createSuggestionCount(db: FlywheelDatabase): KeptCount {
  return createKeptCount(db, () => db.suggestions.count());
}
