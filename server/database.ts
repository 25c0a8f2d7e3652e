// One small interface over embedded PGlite and a PostgreSQL server, so that every query and
// migration is the same SQL on both.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface QueryOptions {
  /**
   * Keep the statement prepared on each PostgreSQL connection (named after its text), so
   * that a hot request parses and plans it once per connection rather than every time. For
   * statements whose best plan does not depend on the values (PostgreSQL may settle on one
   * generic plan for them). PGlite ignores it.
   */
  prepare?: boolean;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  query<Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>;
  close(): Promise<void>;
}

/** A connection that can run several statements in one string (for migrations). */
interface MigrationSession {
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export type DatabaseLocation =
  | { databaseUrl: string; poolSize?: number }
  | { dataDir: string }
  | { memory: true };

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// Any constant works; it only has to be the same for every server sharing one database.
const MIGRATION_LOCK_ID = 7_420_311;

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if ('databaseUrl' in location) return openPostgres(location.databaseUrl, location.poolSize);
  return openPGlite('dataDir' in location ? location.dataDir : undefined);
}

async function openPGlite(dataDir: string | undefined): Promise<Database> {
  // PGlite creates only the last folder of the path; a fresh clone has neither.
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = new PGlite(dataDir);
  await db.waitReady;
  const session: MigrationSession = {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row>(sql: string, params: readonly unknown[] = []) =>
      (await db.query<Row>(sql, [...params])).rows,
  };
  await migrate(session);
  return { kind: 'pglite', query: session.query, close: () => db.close() };
}

async function openPostgres(databaseUrl: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // A connection the database dropped (restart, failover) must not take the process down.
  pool.on('error', () => {});
  const client = await pool.connect();
  try {
    // Several servers may start against one database at once: let one migrate at a time.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await migrate({
      exec: async (sql) => {
        await client.query(sql);
      },
      query: async <Row>(sql: string, params: readonly unknown[] = []) =>
        (await client.query(sql, [...params])).rows as Row[],
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
    client.release();
  }
  return {
    kind: 'postgres',
    query: async <Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) =>
      (
        await pool.query(
          options?.prepare
            ? { name: statementName(sql), text: sql, values: [...params] }
            : { text: sql, values: [...params] },
        )
      ).rows as Row[],
    close: () => pool.end(),
  };
}

/** One name per statement text: the same text is the same prepared statement. */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `flywheel_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** Applies `server/migrations/NNN-*.sql` in name order, each once, each in a transaction. */
async function migrate(session: MigrationSession): Promise<void> {
  await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied = new Set(
    (await session.query<{ name: string }>('SELECT name FROM schema_migrations')).map(
      (row) => row.name,
    ),
  );
  const files = (await readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort();
  for (const name of files) {
    if (applied.has(name)) continue;
    const sql = await readFile(new URL(name, MIGRATIONS_DIR), 'utf8');
    await session.exec('BEGIN');
    try {
      await session.exec(sql);
      await session.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      await session.exec('COMMIT');
    } catch (error) {
      await session.exec('ROLLBACK');
      throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
