// Triage sign-ins, kept in the database (migration 003) so that every instance on it knows
// them and a restart ends none. The cookie carries a random id; the table only its hash.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Database } from '../database';

export const SESSION_SECONDS = 8 * 60 * 60;

const hashOf = (sessionId: string) => createHash('sha256').update(sessionId).digest('base64url');

/** A random id from a cookie: 43 base64url characters (32 bytes). */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createTriageSessions(db: Database) {
  /** Signs in: a new random id, whose hash is stored with its expiry. Ended ones are dropped. */
  async function start(): Promise<string> {
    const sessionId = randomBytes(32).toString('base64url');
    await db.query('DELETE FROM triage_sessions WHERE expires_at < now()');
    await db.query(
      `INSERT INTO triage_sessions (id_hash, expires_at)
       VALUES ($1, now() + make_interval(secs => $2))`,
      [hashOf(sessionId), SESSION_SECONDS],
    );
    return sessionId;
  }

  async function isLive(sessionId: string | undefined): Promise<boolean> {
    if (!sessionId || !SESSION_ID_PATTERN.test(sessionId)) return false;
    const rows = await db.query<{ live: number }>(
      'SELECT 1 AS live FROM triage_sessions WHERE id_hash = $1 AND expires_at > now()',
      [hashOf(sessionId)],
    );
    return rows.length > 0;
  }

  async function end(sessionId: string): Promise<void> {
    await db.query('DELETE FROM triage_sessions WHERE id_hash = $1', [hashOf(sessionId)]);
  }

  return { start, isLive, end };
}

/**
 * The form token of a session: a MAC keyed by the session's own secret id, so it needs no
 * server key (nothing per process, nothing to share between instances) and a page that
 * cannot read the HttpOnly cookie cannot make it.
 */
export function formTokenOf(sessionId: string): string {
  return createHmac('sha256', sessionId).update('flywheel triage form').digest('base64url');
}
