import type { RunningServer } from '../../server/start-server';
import type { FlywheelDatabase } from '../../utils/background/db';
import type { Suggestion } from '../../utils/shared/suggestion';

/** Puts suggestions in the outbox as Submit does: the row and its operation together. */
export async function queueSuggestions(
  db: FlywheelDatabase,
  count: number,
  extra: Partial<Suggestion> = {},
  pageUrl = `http://127.0.0.1/process/${crypto.randomUUID()}.html`,
): Promise<string[]> {
  const now = Date.now();
  const suggestions: Suggestion[] = Array.from({ length: count }, (_, i) => ({
    id: crypto.randomUUID(),
    pageUrl,
    pageTitle: 'Raising a purchase order',
    text: `Test suggestion ${i}: merge steps 3 and 4`,
    category: 'simplify',
    anonymous: false,
    quote: 'Print the form and ask your manager to sign it.',
    selectors: [
      {
        type: 'TextQuoteSelector',
        exact: 'Print the form and ask your manager to sign it.',
        prefix: '',
        suffix: '',
      },
    ],
    syncState: 'queued',
    createdAt: now + i,
    updatedAt: now + i,
    submittedAt: now + i,
    ...extra,
  }));
  await db.transaction('rw', db.suggestions, db.outbox, async () => {
    await db.suggestions.bulkAdd(suggestions);
    await db.outbox.bulkAdd(
      suggestions.map((s) => ({
        id: crypto.randomUUID(),
        suggestionId: s.id,
        kind: 'create' as const,
        queuedAt: s.submittedAt ?? now,
        attempts: 0,
        notBefore: now,
      })),
    );
  });
  return suggestions.map((s) => s.id);
}

/** Rows the endpoint holds for these suggestions, and how many distinct ones. */
export async function serverCounts(server: RunningServer, ids: string[]) {
  const [row] = await server.database.query<{ rows: string | number; keys: string | number }>(
    'SELECT count(*) AS rows, count(DISTINCT idempotency_key) AS keys FROM annotations WHERE idempotency_key = ANY($1)',
    [ids],
  );
  return { rows: Number(row?.rows ?? 0), distinctKeys: Number(row?.keys ?? 0) };
}
