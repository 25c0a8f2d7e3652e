// The workbench's reads: one screen of suggestions (filtered, sorted, keyset-paged), their
// pages' counts and their replies. Each is an index read with a LIMIT (migrations 002 and
// 003), so the first screen costs the same at 100 or 100,000 suggestions.
import type { SuggestionStatus } from '../../utils/protocol/annotation';
import type { Database } from '../database';
import type { WorkbenchFilter } from './filters';

export interface TriageSuggestion {
  id: string;
  seq: string;
  pageUrl: string;
  document: Record<string, unknown>;
  status: SuggestionStatus;
  voteCount: number;
  createdAt: Date;
}

export interface TriageReply {
  parentId: string;
  document: Record<string, unknown>;
  fromOwner: boolean;
  createdAt: Date;
}

export interface PageSummary {
  pageUrl: string;
  total: number;
  /** Not yet looked at (status `submitted`). */
  fresh: number;
  /** No reply from a process owner yet. */
  unanswered: number;
}

export interface WorkbenchScreen {
  suggestions: TriageSuggestion[];
  replies: TriageReply[];
  pages: PageSummary[];
  /** Cursor of the next screen, when there is one. */
  next: string | undefined;
}

interface SuggestionRow {
  id: string;
  seq: string | number;
  target_source: string;
  document: Record<string, unknown>;
  status: SuggestionStatus;
  vote_count: number;
  created_at: Date | string;
}

const LIVE_SUGGESTION = `a.kind = 'suggestion' AND a.deleted_at IS NULL`;

const SITE = `split_part(a.target_source, '/', 3)`;

const HAS_OWNER_REPLY = `EXISTS (SELECT 1 FROM annotations r
  WHERE r.parent_id = a.id AND r.kind = 'reply' AND r.from_owner AND r.deleted_at IS NULL)`;

/** Rows whose words the walk plan tests before it hands over to the index plan. */
const WALK_ROWS = 2_000;

/** Most replies shown for one screen; a screen of suggestions is small, so is this. */
const REPLIES_PER_SCREEN = 2_000;

/** Search words as a prefix query: letters and digits only, so nothing is tsquery syntax. */
export function searchQuery(search: string): string | undefined {
  const words =
    search
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, 8) ?? [];
  return words.length > 0 ? words.map((word) => `${word}:*`).join(' & ') : undefined;
}

export function createTriageQueries(db: Database) {
  /**
   * The SQL of one screen. With search words there are two plans: `walk` tests the words of
   * the first WALK_ROWS rows in the screen's order (quick for common words), `index` asks
   * the words' GIN index (003) and sorts what it finds (quick for rare words).
   */
  function screenQuery(filter: WorkbenchFilter, limit: number, plan: 'walk' | 'index' | 'plain') {
    const params: unknown[] = [];
    const bind = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const conditions = [LIVE_SUGGESTION];
    if (filter.site) conditions.push(`${SITE} = ${bind(filter.site)}`);
    if (filter.page) conditions.push(`a.target_source = ${bind(filter.page)}`);
    if (filter.status) conditions.push(`a.status = ${bind(filter.status)}`);
    if (filter.category) conditions.push(`a.document ->> 'category' = ${bind(filter.category)}`);
    const words = filter.search ? searchQuery(filter.search) : undefined;
    const match = words ? `a.triage_words @@ to_tsquery('simple', ${bind(words)})` : undefined;
    if (match && plan === 'index') conditions.push(match);
    // `+ 0` keeps the planner from walking an ordered index for the index plan.
    const unordered = plan === 'index' ? ' + 0' : '';
    let order: string;
    switch (filter.sort) {
      case 'supported': {
        order = `a.vote_count${unordered} DESC, a.seq DESC`;
        if (filter.after) {
          const [votes, seq] = filter.after.split('.');
          conditions.push(`(a.vote_count, a.seq) < (${bind(Number(votes))}, ${bind(seq)}::bigint)`);
        }
        break;
      }
      case 'unanswered': {
        order = `a.seq${unordered} ASC`;
        conditions.push(`NOT ${HAS_OWNER_REPLY}`);
        if (filter.after) conditions.push(`a.seq > ${bind(filter.after)}::bigint`);
        break;
      }
      default: {
        order = `a.seq${unordered} DESC`;
        if (filter.after) conditions.push(`a.seq < ${bind(filter.after)}::bigint`);
      }
    }
    const columns =
      'a.id, a.seq, a.target_source, a.document, a.status, a.vote_count, a.created_at';
    const filtered = `FROM annotations a WHERE ${conditions.join(' AND ')} ORDER BY ${order}`;
    const sql =
      match && plan === 'walk'
        ? `SELECT ${columns} FROM (SELECT ${columns}, a.triage_words ${filtered}
              LIMIT ${bind(WALK_ROWS)}) a
            WHERE ${match} ORDER BY ${order} LIMIT ${bind(limit + 1)}`
        : `SELECT ${columns} ${filtered} LIMIT ${bind(limit + 1)}`;
    return { sql, params };
  }

  async function screen(filter: WorkbenchFilter, limit: number): Promise<WorkbenchScreen> {
    const run = async (plan: 'walk' | 'index' | 'plain') => {
      const { sql, params } = screenQuery(filter, limit, plan);
      return db.query<SuggestionRow>(sql, params);
    };
    let rows: SuggestionRow[];
    if (filter.search && searchQuery(filter.search)) {
      // A full screen from the walk is exactly the first screen of all matches.
      rows = await run('walk');
      if (rows.length <= limit) rows = await run('index');
    } else {
      rows = await run('plain');
    }
    const suggestions = rows.slice(0, limit).map(
      (row): TriageSuggestion => ({
        id: row.id,
        // int8 arrives as a string from pg and as a number from PGlite.
        seq: String(row.seq),
        pageUrl: row.target_source,
        document: row.document,
        status: row.status,
        voteCount: row.vote_count,
        createdAt: new Date(row.created_at),
      }),
    );
    const last = suggestions.at(-1);
    const next =
      rows.length > limit && last
        ? filter.sort === 'supported'
          ? `${last.voteCount}.${last.seq}`
          : last.seq
        : undefined;
    const [replies, pages] = await Promise.all([
      repliesOf(suggestions.map((suggestion) => suggestion.id)),
      pageSummaries([...new Set(suggestions.map((suggestion) => suggestion.pageUrl))]),
    ]);
    return { suggestions, replies, pages, next };
  }

  async function repliesOf(ids: readonly string[]): Promise<TriageReply[]> {
    if (ids.length === 0) return [];
    const rows = await db.query<{
      parent_id: string;
      document: Record<string, unknown>;
      from_owner: boolean;
      created_at: Date | string;
    }>(
      `SELECT parent_id, document, from_owner, created_at FROM annotations
        WHERE kind = 'reply' AND deleted_at IS NULL AND parent_id = ANY($1::uuid[])
        ORDER BY seq LIMIT $2`,
      [[...ids], REPLIES_PER_SCREEN],
    );
    return rows.map((row) => ({
      parentId: row.parent_id,
      document: row.document,
      fromOwner: row.from_owner,
      createdAt: new Date(row.created_at),
    }));
  }

  /** Counts over each page's whole set of suggestions, not just the ones on screen. */
  async function pageSummaries(pageUrls: readonly string[]): Promise<PageSummary[]> {
    if (pageUrls.length === 0) return [];
    const rows = await db.query<{
      target_source: string;
      total: number;
      fresh: number;
      unanswered: number;
    }>(
      `SELECT a.target_source,
              count(*)::int AS total,
              count(*) FILTER (WHERE a.status = 'submitted')::int AS fresh,
              count(*) FILTER (WHERE NOT ${HAS_OWNER_REPLY})::int AS unanswered
         FROM annotations a
        WHERE ${LIVE_SUGGESTION} AND a.target_source = ANY($1::text[])
        GROUP BY a.target_source`,
      [[...pageUrls]],
    );
    return rows.map((row) => ({
      pageUrl: row.target_source,
      total: row.total,
      fresh: row.fresh,
      unanswered: row.unanswered,
    }));
  }

  /**
   * The sites that have suggestions, for the site filter: a skip scan over the site index,
   * one index probe per site rather than a scan of every suggestion.
   */
  async function sites(max: number): Promise<string[]> {
    const rows = await db.query<{ site: string }>(
      `WITH RECURSIVE sites(site) AS (
         (SELECT ${SITE} FROM annotations a WHERE ${LIVE_SUGGESTION} ORDER BY 1 LIMIT 1)
         UNION ALL
         SELECT (SELECT ${SITE} FROM annotations a
                  WHERE ${LIVE_SUGGESTION} AND ${SITE} > sites.site ORDER BY 1 LIMIT 1)
           FROM sites WHERE sites.site IS NOT NULL
       )
       SELECT site FROM sites WHERE site IS NOT NULL LIMIT $1`,
      [max],
    );
    return rows.map((row) => row.site);
  }

  return { screen, sites };
}
