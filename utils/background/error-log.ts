// Failures that show: every context's errors end up here (a bounded ring in the background's
// own database), and the options page's Diagnostics lists them for a bug report.
import type { ErrorEntry } from '../shared/messaging';
import type { FlywheelDatabase } from './db';

/** Enough to see a pattern; small enough that a loop of failures cannot fill the disk. */
export const MAX_ERRORS = 200;

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
}

export interface ErrorLog {
  record(context: string, where: string, error: unknown): Promise<void>;
  list(): Promise<ErrorEntry[]>;
  clear(): Promise<number>;
}

export function createErrorLog(db: FlywheelDatabase, now: () => number = Date.now): ErrorLog {
  return {
    async record(context, where, error) {
      const entry: ErrorEntry = {
        time: now(),
        context,
        where: where.slice(0, 100),
        message: messageOf(error).slice(0, 1_000),
      };
      // Also on the console, where a developer looking at the service worker sees it at once.
      console.error(`[flywheel] ${context}/${entry.where}: ${entry.message}`);
      try {
        await db.transaction('rw', db.errors, async () => {
          await db.errors.add(entry);
          const excess = (await db.errors.count()) - MAX_ERRORS;
          if (excess > 0) {
            const oldest = await db.errors.orderBy('id').limit(excess).primaryKeys();
            await db.errors.bulkDelete(oldest);
          }
        });
      } catch (storeError) {
        // The log cannot log its own failure; the console line above still says what happened.
        console.error('[flywheel] the error log could not be written', storeError);
      }
    },
    async list() {
      const rows = await db.errors.orderBy('id').reverse().toArray();
      return rows.map(({ time, context, where, message }) => ({ time, context, where, message }));
    },
    async clear() {
      const count = await db.errors.count();
      await db.errors.clear();
      return count;
    },
  };
}
