// @vitest-environment node
// Migration 005 on a database written before it: a screenshot stored inside a document moves
// to its own table, the document keeps only its type and format, and the listing names it by
// reference, with the bytes that were in the data: IRI served from it.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { startServer } from '../../server/start-server';
import { suggestion, uniquePage } from './helpers/test-endpoint';

const MIGRATIONS = new URL('../../server/migrations/', import.meta.url);
let dataDir: string | undefined;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('moves screenshots out of the documents written before it', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'flywheel-pglite-005-'));
  const before = new PGlite(dataDir);
  await before.exec(`CREATE TABLE schema_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const names = (await readdir(MIGRATIONS)).filter((name) => name.endsWith('.sql')).sort();
  expect(names).toContain('005-screenshots-apart.sql');
  for (const name of names.filter((file) => file < '005')) {
    await before.exec(await readFile(new URL(name, MIGRATIONS), 'utf8'));
    await before.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
  }
  const page = uniquePage();
  const bytes = Buffer.from(Array.from({ length: 3_000 }, (_, i) => (i * 7) % 256));
  const base = suggestion(page, 'Written before 005');
  const document = {
    ...base,
    target: { source: page },
    body: [
      ...base.body,
      {
        type: 'Image',
        id: `data:image/webp;base64,${bytes.toString('base64')}`,
        format: 'image/webp',
      },
    ],
  };
  const id = randomUUID();
  await before.query(
    `INSERT INTO annotations (id, kind, target_source, document) VALUES ($1, 'suggestion', $2, $3::jsonb)`,
    [id, page, JSON.stringify(document)],
  );
  await before.query(`INSERT INTO page_revisions (target_source) VALUES ($1)`, [page]);
  await before.close();

  const database = await openDatabase({ dataDir });
  const server = await startServer({ port: 0, database });
  try {
    const [row] = await database.query<{ document: unknown; revision: number }>(
      'SELECT document, revision FROM annotations WHERE id = $1',
      [id],
    );
    expect(JSON.stringify(row?.document)).not.toContain('data:');
    expect(row?.revision).toBe(2);
    const listing = await (
      await fetch(`${server.containerUrl}?${new URLSearchParams({ target: page })}`)
    ).text();
    expect(listing).not.toContain('data:');
    const reference = `${server.containerUrl}${id}/screenshot`;
    expect(
      (JSON.parse(listing) as { first: { items: { body: unknown[] }[] } }).first.items[0]?.body,
    ).toContainEqual({ type: 'Image', id: reference, format: 'image/webp' });
    const picture = await fetch(reference);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await picture.arrayBuffer()).equals(bytes)).toBe(true);
  } finally {
    await server.close();
    await database.close();
  }
}, 180_000);
