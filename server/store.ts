// Every query the server runs. Each write is a single statement (data-modifying CTEs where a
// change touches two rows), so it is atomic on PGlite and PostgreSQL without explicit
// transactions, and races are settled by constraints rather than by check-then-write.
import type { SuggestionStatus } from '../utils/protocol/annotation';
import type { Database, QueryOptions } from './database';
import { asBytes, type ScreenshotBytes, type ScreenshotChange } from './screenshots';

/** The reads every page view and status poll makes: prepared once per connection. */
const PREPARED: QueryOptions = { prepare: true };

export type AnnotationKind = 'suggestion' | 'reply';

export interface AnnotationRecord {
  id: string;
  seq: string;
  kind: AnnotationKind;
  targetSource: string;
  parentId: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  document: Record<string, unknown>;
  status: SuggestionStatus;
  voteCount: number;
  replyCount: number;
  revision: number;
  createdAt: Date;
  modifiedAt: Date;
  deletedAt: Date | null;
  /** SHA-256 of the author's per-suggestion secret; null: only an owner may change it. */
  authorSecretHash: string | null;
  /** A reply posted by a process owner (set by the server, never by a client). */
  fromOwner: boolean;
}

interface AnnotationRow {
  id: string;
  seq: string | number;
  kind: AnnotationKind;
  target_source: string;
  parent_id: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  document: Record<string, unknown>;
  status: SuggestionStatus;
  vote_count: number;
  reply_count: number;
  revision: number;
  created_at: Date;
  modified_at: Date;
  deleted_at: Date | null;
  author_secret_hash: string | null;
  from_owner: boolean;
}

const COLUMNS = `id, seq, kind, target_source, parent_id, idempotency_key, request_hash, document,
  status, vote_count, reply_count, revision, created_at, modified_at, deleted_at,
  author_secret_hash, from_owner`;

/**
 * Bumps the revision of the pages whose listings a statement changed (a CTE named `touched`
 * must give their `target_source`s). Every write joins it, so a listing's ETag is one row.
 */
const BUMP_PAGES = `bump AS (
  INSERT INTO page_revisions (target_source)
    SELECT DISTINCT target_source FROM touched WHERE target_source IS NOT NULL
  ON CONFLICT (target_source) DO UPDATE SET revision = page_revisions.revision + 1
)`;

/** The page whose listings show an annotation: its own for a suggestion, its parent's for a reply. */
const PAGE_OF = (alias: string) =>
  `COALESCE((SELECT parent.target_source FROM annotations parent WHERE parent.id = ${alias}.parent_id), ${alias}.target_source)`;

function toRecord(row: AnnotationRow): AnnotationRecord {
  return {
    id: row.id,
    // int8 arrives as a string from pg and as a number from PGlite.
    seq: String(row.seq),
    kind: row.kind,
    targetSource: row.target_source,
    parentId: row.parent_id,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    document: row.document,
    status: row.status,
    voteCount: row.vote_count,
    replyCount: row.reply_count,
    revision: row.revision,
    createdAt: new Date(row.created_at),
    modifiedAt: new Date(row.modified_at),
    deletedAt: row.deleted_at === null ? null : new Date(row.deleted_at),
    authorSecretHash: row.author_secret_hash,
    fromOwner: row.from_owner,
  };
}

export interface NewAnnotation {
  id: string;
  kind: AnnotationKind;
  targetSource: string;
  parentId: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  document: Record<string, unknown>;
  /** SHA-256 of the author secret the creating request carried, if any. */
  authorSecretHash?: string | null;
  /** Only the server decides this: an owner token or the triage page posted the reply. */
  fromOwner?: boolean;
  /** The picture its Image body names, kept apart from the document (migration 005). */
  screenshot?: ScreenshotBytes;
}

/** A stored screenshot with the state of its annotation; undefined: no such annotation. */
export interface StoredScreenshot {
  deleted: boolean;
  screenshot: ScreenshotBytes | undefined;
}

export type CreateOutcome =
  | { outcome: 'created'; record: AnnotationRecord }
  | { outcome: 'replayed'; record: AnnotationRecord }
  | { outcome: 'key-reused'; record: AnnotationRecord };

/** One page of a listing, its items already JSON (server/migrations/004-listing-json.sql). */
export interface ListedPage {
  /** What the listing's ETag is made of (see listingRevision); undefined: hash the page. */
  revision: string | undefined;
  /** The items' JSON objects, comma-separated (no brackets); '' for none. */
  items: string;
  total: number;
  hasMore: boolean;
  /** The cursor of the last item shown (for `next`). */
  lastSeq: string | undefined;
}

export interface ListQuery {
  targetSource?: string;
  parentId?: string;
  ids?: readonly string[];
  modifiedSince?: Date;
  afterSeq?: string;
  limit: number;
}

export function createStore(db: Database) {
  async function getAnnotation(id: string): Promise<AnnotationRecord | undefined> {
    const rows = await db.query<AnnotationRow>(
      `SELECT ${COLUMNS} FROM annotations WHERE id = $1`,
      [id],
      PREPARED,
    );
    return rows[0] && toRecord(rows[0]);
  }

  /**
   * Inserts unless the idempotency key is taken; then the stored row decides: same request
   * hash is a replay, another hash is a reused key. A reply also bumps its parent's count,
   * in the same statement, only when it was really inserted.
   */
  async function createAnnotation(annotation: NewAnnotation): Promise<CreateOutcome> {
    const inserted = await db.query<AnnotationRow>(
      `WITH inserted AS (
         INSERT INTO annotations
           (id, kind, target_source, parent_id, idempotency_key, request_hash, document,
            author_secret_hash, from_owner)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING ${COLUMNS}
       ), parent_bump AS (
         UPDATE annotations
            SET reply_count = reply_count + 1, revision = revision + 1, modified_at = now()
          WHERE id = $4 AND EXISTS (SELECT 1 FROM inserted)
       ), shot AS (
         INSERT INTO screenshots (annotation_id, media_type, bytes, sha256)
           SELECT id, $10::text, $11::bytea, $12::text FROM inserted WHERE $10::text IS NOT NULL
       ), touched AS (SELECT target_source FROM inserted), ${BUMP_PAGES}
       SELECT ${COLUMNS} FROM inserted`,
      [
        annotation.id,
        annotation.kind,
        annotation.targetSource,
        annotation.parentId,
        annotation.idempotencyKey,
        annotation.requestHash,
        JSON.stringify(annotation.document),
        annotation.authorSecretHash ?? null,
        annotation.fromOwner ?? false,
        annotation.screenshot?.mediaType ?? null,
        annotation.screenshot?.bytes ?? null,
        annotation.screenshot?.sha256 ?? null,
      ],
    );
    if (inserted[0]) return { outcome: 'created', record: toRecord(inserted[0]) };
    const existing = await db.query<AnnotationRow>(
      `SELECT ${COLUMNS} FROM annotations WHERE idempotency_key = $1`,
      [annotation.idempotencyKey],
    );
    if (!existing[0]) throw new Error('idempotency key conflict without a stored row');
    const record = toRecord(existing[0]);
    // A replay must be the same request from the same author: the same body and secret. A row
    // created without a secret (an older client) replays for the same body; it gains none.
    const same =
      record.requestHash === annotation.requestHash &&
      (record.authorSecretHash === null ||
        record.authorSecretHash === (annotation.authorSecretHash ?? null));
    return { outcome: same ? 'replayed' : 'key-reused', record };
  }

  /** Replaces the client's fields if the revision still matches; undefined when it did not. */
  async function replaceAnnotation(
    id: string,
    expectedRevision: number,
    document: Record<string, unknown>,
    targetSource: string,
    screenshot: ScreenshotChange,
  ): Promise<AnnotationRecord | undefined> {
    // The picture changes in the same statement as the document that names it.
    const params: unknown[] = [id, expectedRevision, JSON.stringify(document), targetSource];
    let shot = '';
    if (screenshot.kind === 'none') {
      shot = `, shot AS (DELETE FROM screenshots WHERE annotation_id IN (SELECT id FROM updated))`;
    } else if (screenshot.kind === 'replace') {
      params.push(
        screenshot.screenshot.mediaType,
        screenshot.screenshot.bytes,
        screenshot.screenshot.sha256,
      );
      shot = `, shot AS (
         INSERT INTO screenshots (annotation_id, media_type, bytes, sha256)
           SELECT id, $5::text, $6::bytea, $7::text FROM updated
         ON CONFLICT (annotation_id) DO UPDATE
           SET media_type = EXCLUDED.media_type, bytes = EXCLUDED.bytes,
               sha256 = EXCLUDED.sha256, created_at = now())`;
    }
    const rows = await db.query<AnnotationRow>(
      `WITH previous AS (
         SELECT ${PAGE_OF('a')} AS target_source FROM annotations a
          WHERE a.id = $1 AND a.revision = $2 AND a.deleted_at IS NULL
       ), updated AS (
         UPDATE annotations
            SET document = $3::jsonb, target_source = $4, revision = revision + 1, modified_at = now()
          WHERE id = $1 AND revision = $2 AND deleted_at IS NULL
          RETURNING ${COLUMNS}
       )${shot}, touched AS (
         SELECT target_source FROM previous WHERE EXISTS (SELECT 1 FROM updated)
         UNION SELECT ${PAGE_OF('u')} FROM updated u
       ), ${BUMP_PAGES}
       SELECT ${COLUMNS} FROM updated`,
      params,
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Tombstones the annotation and its replies; a deleted reply no longer counts. */
  async function deleteAnnotation(id: string, expectedRevision: number): Promise<boolean> {
    const rows = await db.query<{ id: string }>(
      `WITH removed AS (
         UPDATE annotations
            SET deleted_at = now(), revision = revision + 1, modified_at = now()
          WHERE id = $1 AND revision = $2 AND deleted_at IS NULL
          RETURNING id, parent_id, target_source
       ), screenshots_removed AS (
         -- A deleted suggestion's picture goes at once; the tombstone keeps no copy.
         DELETE FROM screenshots WHERE annotation_id IN (SELECT id FROM removed)
       ), replies_removed AS (
         UPDATE annotations SET deleted_at = now(), revision = revision + 1, modified_at = now()
          WHERE parent_id IN (SELECT id FROM removed) AND deleted_at IS NULL
       ), parent_bump AS (
         UPDATE annotations
            SET reply_count = reply_count - 1, revision = revision + 1, modified_at = now()
          WHERE id IN (SELECT parent_id FROM removed)
       ), touched AS (SELECT ${PAGE_OF('r')} AS target_source FROM removed r), ${BUMP_PAGES}
       SELECT id FROM removed`,
      [id, expectedRevision],
    );
    return rows.length > 0;
  }

  function listFilter(query: ListQuery, params: unknown[]): string {
    const conditions = ['deleted_at IS NULL'];
    if (query.parentId !== undefined) {
      params.push(query.parentId);
      conditions.push(`kind = 'reply' AND parent_id = $${params.length}`);
    } else if (query.targetSource !== undefined) {
      params.push(query.targetSource);
      conditions.push(`kind = 'suggestion' AND target_source = $${params.length}`);
    }
    if (query.ids !== undefined) {
      params.push([...query.ids]);
      conditions.push(`id = ANY($${params.length}::uuid[])`);
    }
    if (query.modifiedSince !== undefined) {
      params.push(query.modifiedSince.toISOString());
      conditions.push(`modified_at > $${params.length}::timestamptz`);
    }
    return conditions.join(' AND ');
  }

  /**
   * One page of a listing in insertion order, keyed by `seq` so paging is stable while rows
   * are added: its items as ready JSON (each row's `listing_tail` behind its IRIs, joined by
   * commas), the collection's total, and the revision its ETag comes from, all in one
   * statement, so the revision describes exactly the items read with it.
   * `containerJson` is the container URL as JSON string content (escaped, without quotes).
   */
  async function listPage(query: ListQuery, containerJson: string): Promise<ListedPage> {
    const params: unknown[] = [];
    const filter = listFilter(query, params);
    // The total counts the whole collection, whatever page this is.
    const countAll = `(SELECT count(*)::int FROM annotations WHERE ${filter})`;
    const revision = listingRevisionSql(query, params);
    let pageFilter = filter;
    if (query.afterSeq !== undefined) {
      params.push(query.afterSeq);
      pageFilter += ` AND seq > $${params.length}::bigint`;
    }
    params.push(containerJson);
    const container = `$${params.length}::text`;
    params.push(query.limit);
    const limit = `$${params.length}::int`;
    const [row] = await db.query<{
      revision: string | null;
      fetched: number;
      last_seq: string | number | null;
      items: string | null;
      total: number;
    }>(
      `SELECT ${revision} AS revision,
              count(*)::int AS fetched,
              max(seq) FILTER (WHERE n <= ${limit}) AS last_seq,
              string_agg(item, ',' ORDER BY seq) FILTER (WHERE n <= ${limit}) AS items,
              ${
                // On a first page that holds them all, the rows read are the total.
                query.afterSeq === undefined
                  ? `CASE WHEN count(*) <= ${limit} THEN count(*)::int ELSE ${countAll} END`
                  : countAll
              } AS total
         FROM (
           SELECT seq, row_number() OVER (ORDER BY seq) AS n,
                  '{"id":"' || ${container} || id || '",' ||
                  CASE WHEN parent_id IS NULL THEN ''
                       ELSE '"target":"' || ${container} || parent_id || '",' END ||
                  -- The screenshot's IRI where migration 005 left U+0001 for it.
                  replace(listing_tail, chr(1), ${container} || id || '/screenshot') AS item
             FROM annotations WHERE ${pageFilter} ORDER BY seq LIMIT ${limit} + 1
         ) page`,
      params,
      PREPARED,
    );
    return {
      revision: row?.revision ?? undefined,
      items: row?.items ?? '',
      total: row?.total ?? 0,
      hasMore: (row?.fetched ?? 0) > query.limit,
      lastSeq:
        row?.last_seq === null || row?.last_seq === undefined ? undefined : String(row.last_seq),
    };
  }

  /**
   * The revision a listing's ETag comes from, as an SQL expression (text), or `NULL` for a
   * listing no revision covers (the whole container). The same values as pageRevision,
   * repliesRevision and revisionsOf, which answer a conditional request on their own.
   */
  function listingRevisionSql(query: ListQuery, params: unknown[]): string {
    if (query.parentId !== undefined) {
      params.push(query.parentId);
      return `'r' || COALESCE((SELECT p.revision::text FROM annotations a
                JOIN page_revisions p ON p.target_source = a.target_source
               WHERE a.id = $${params.length}), '0')`;
    }
    if (query.targetSource !== undefined) {
      params.push(query.targetSource);
      return `'p' || COALESCE((SELECT revision::text FROM page_revisions
               WHERE target_source = $${params.length}), '0')`;
    }
    if (query.ids !== undefined) {
      params.push([...query.ids]);
      return `'i' || (SELECT COALESCE(string_agg(id || ':' || revision, ',' ORDER BY id), '')
               FROM annotations WHERE id = ANY($${params.length}::uuid[]))`;
    }
    return 'NULL::text';
  }

  /**
   * Adds or withdraws one voter's vote. The (annotation, voter) primary key makes it
   * idempotent; the count and revision move only when a vote row really changed.
   */
  async function setVote(
    id: string,
    voterKey: string,
    voted: boolean,
  ): Promise<{ voteCount: number; changed: boolean } | undefined> {
    const change = voted
      ? `INSERT INTO votes (annotation_id, voter_key) SELECT id, $2 FROM target
           ON CONFLICT DO NOTHING RETURNING 1`
      : `DELETE FROM votes WHERE annotation_id IN (SELECT id FROM target) AND voter_key = $2
           RETURNING 1`;
    const sign = voted ? '+' : '-';
    const rows = await db.query<{ vote_count: number; changed: number }>(
      `WITH target AS (
         SELECT id FROM annotations WHERE id = $1 AND kind = 'suggestion' AND deleted_at IS NULL
       ), changed AS (${change}
       ), touched AS (
         SELECT target_source FROM annotations
          WHERE id IN (SELECT id FROM target) AND EXISTS (SELECT 1 FROM changed)
       ), ${BUMP_PAGES}
       UPDATE annotations
          SET vote_count = vote_count ${sign} (SELECT count(*)::int FROM changed),
              revision = revision + (SELECT count(*)::int FROM changed),
              modified_at = CASE WHEN EXISTS (SELECT 1 FROM changed) THEN now() ELSE modified_at END
        WHERE id IN (SELECT id FROM target)
        RETURNING vote_count, (SELECT count(*)::int FROM changed) AS changed`,
      [id, voterKey],
    );
    const row = rows[0];
    return row && { voteCount: row.vote_count, changed: row.changed > 0 };
  }

  async function setStatus(
    id: string,
    status: SuggestionStatus,
  ): Promise<AnnotationRecord | undefined> {
    const rows = await db.query<AnnotationRow>(
      `WITH touched AS (
         SELECT target_source FROM annotations
          WHERE id = $1 AND kind = 'suggestion' AND deleted_at IS NULL AND status <> $2
       ), ${BUMP_PAGES}
       UPDATE annotations
          SET status = $2,
              revision = revision + CASE WHEN status = $2 THEN 0 ELSE 1 END,
              modified_at = CASE WHEN status = $2 THEN modified_at ELSE now() END
        WHERE id = $1 AND kind = 'suggestion' AND deleted_at IS NULL
        RETURNING ${COLUMNS}`,
      [id, status],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Suggestions for the triage page (newest pages first) with their replies. */
  async function listForTriage(
    status: SuggestionStatus | undefined,
    limit: number,
  ): Promise<{ suggestions: AnnotationRecord[]; replies: AnnotationRecord[] }> {
    const suggestionRows = await db.query<AnnotationRow>(
      `SELECT ${COLUMNS} FROM annotations
        WHERE kind = 'suggestion' AND deleted_at IS NULL AND ($1::text IS NULL OR status = $1)
        ORDER BY seq DESC LIMIT $2`,
      [status ?? null, limit],
    );
    const suggestions = suggestionRows.map(toRecord);
    const replyRows = await db.query<AnnotationRow>(
      `SELECT ${COLUMNS} FROM annotations
        WHERE kind = 'reply' AND deleted_at IS NULL AND parent_id = ANY($1::uuid[])
        ORDER BY seq`,
      [suggestions.map((suggestion) => suggestion.id)],
    );
    return { suggestions, replies: replyRows.map(toRecord) };
  }

  /** An annotation's screenshot, and whether the annotation was deleted. */
  async function getScreenshot(id: string): Promise<StoredScreenshot | undefined> {
    const [row] = await db.query<{
      deleted: boolean;
      media_type: ScreenshotBytes['mediaType'] | null;
      bytes: Uint8Array | null;
      sha256: string | null;
    }>(
      `SELECT a.deleted_at IS NOT NULL AS deleted, s.media_type, s.bytes, s.sha256
         FROM annotations a LEFT JOIN screenshots s ON s.annotation_id = a.id
        WHERE a.id = $1`,
      [id],
      PREPARED,
    );
    if (!row) return undefined;
    return {
      deleted: row.deleted,
      screenshot:
        row.media_type === null || row.bytes === null || row.sha256 === null
          ? undefined
          : { mediaType: row.media_type, bytes: asBytes(row.bytes), sha256: row.sha256 },
    };
  }

  /** The revision of a page's listings; 0 for a page nothing was ever written to. */
  async function pageRevision(targetSource: string): Promise<string> {
    const [row] = await db.query<{ revision: string | number }>(
      'SELECT revision FROM page_revisions WHERE target_source = $1',
      [targetSource],
      PREPARED,
    );
    return String(row?.revision ?? 0);
  }

  /** The revision of the page that shows a suggestion (and so its replies' listing). */
  async function repliesRevision(parentId: string): Promise<string> {
    const [row] = await db.query<{ revision: string | number }>(
      `SELECT p.revision FROM annotations a
         JOIN page_revisions p ON p.target_source = a.target_source
        WHERE a.id = $1`,
      [parentId],
      PREPARED,
    );
    return String(row?.revision ?? 0);
  }

  /** One annotation's revision (its ETag), from the covering index; undefined if unknown. */
  async function revisionOf(id: string): Promise<number | undefined> {
    const [row] = await db.query<{ revision: number }>(
      'SELECT revision FROM annotations WHERE id = $1',
      [id],
      PREPARED,
    );
    return row?.revision;
  }

  /** The revisions of these annotations, in id order: every change to one bumps its own. */
  async function revisionsOf(ids: readonly string[]): Promise<string> {
    const rows = await db.query<{ id: string; revision: number }>(
      'SELECT id, revision FROM annotations WHERE id = ANY($1::uuid[]) ORDER BY id',
      [[...ids]],
      PREPARED,
    );
    return rows.map((row) => `${row.id}:${row.revision}`).join(',');
  }

  return {
    pageRevision,
    repliesRevision,
    revisionOf,
    revisionsOf,
    getAnnotation,
    getScreenshot,
    createAnnotation,
    replaceAnnotation,
    deleteAnnotation,
    listPage,
    setVote,
    setStatus,
    listForTriage,
  };
}

export type Store = ReturnType<typeof createStore>;
