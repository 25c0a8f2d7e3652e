// Seeds an endpoint database (PostgreSQL or PGlite, the same SQL) at organisation scale:
// 100,000 suggestions over 10,000 pages (one "hot" page holds 100 of them), 20,000 replies and
// 20,000 votes. Runs after the server's own migrations, so it writes the real schema.
import type { Database } from '../../server/database';

export const HOT_PAGE = 'https://intranet.example/process/hot';
export const SUGGESTIONS = 100_000;
export const PAGES = 10_000;
export const REPLIES = 20_000;
export const VOTES = 20_000;

/** `scale` 1 is the full set; PGlite, for reference only, gets a fifth (its seeding is slow). */
export async function seed(db: Database, scale = 1): Promise<void> {
  const suggestions = Math.round(SUGGESTIONS * scale);
  const pages = Math.round(PAGES * scale);
  const PAGE_OF = `CASE WHEN n <= 100 THEN '${HOT_PAGE}'
  ELSE 'https://intranet.example/process/p' || (n % ${pages - 1}) END`;
  await db.query(`
    INSERT INTO annotations (id, kind, target_source, document, idempotency_key, request_hash,
                             author_secret_hash, status, created_at, modified_at)
    SELECT gen_random_uuid(), 'suggestion', page,
      jsonb_build_object(
        '@context', jsonb_build_array('http://www.w3.org/ns/anno.jsonld'),
        'type', 'Annotation', 'motivation', 'editing', 'created', '2026-11-30T09:00:00.000Z',
        'body', jsonb_build_array(
          jsonb_build_object('type', 'TextualBody', 'format', 'text/plain', 'purpose', 'editing',
            'value', 'Suggestion ' || n || ': the manager signs the printed form anyway, so merge steps three and four and let the form be signed online.'),
          jsonb_build_object('type', 'TextualBody', 'purpose', 'tagging', 'value', 'procurement')),
        'target', jsonb_build_object('source', page, 'selector', jsonb_build_array(
          jsonb_build_object('type', 'TextQuoteSelector', 'exact', 'Print the form and ask your manager to sign it.',
                             'prefix', 'Step 3. ', 'suffix', ' Step 4. Scan'),
          jsonb_build_object('type', 'TextPositionSelector', 'start', 412 + n % 50, 'end', 460 + n % 50),
          jsonb_build_object('type', 'CssSelector', 'value', 'main ol > li:nth-child(3)'))),
        'category', 'simplify', 'anonymous', n % 3 = 0),
      'seed-' || n, 'seeded', md5(n::text),
      (ARRAY['submitted','under-review','planned','done','declined'])[1 + n % 5],
      now() - (n || ' seconds')::interval, now() - (n || ' seconds')::interval
    FROM (SELECT n, ${PAGE_OF} AS page FROM generate_series(1, ${suggestions}) AS n) AS numbered`);
  // Replies to every fifth suggestion, on the suggestion's page.
  await db.query(`
    INSERT INTO annotations (id, kind, target_source, parent_id, document, idempotency_key, from_owner)
    SELECT gen_random_uuid(), 'reply', parent.target_source, parent.id,
      jsonb_build_object('@context', jsonb_build_array('http://www.w3.org/ns/anno.jsonld'),
        'type', 'Annotation', 'motivation', 'replying',
        'body', jsonb_build_array(jsonb_build_object('type', 'TextualBody', 'format', 'text/plain',
          'value', 'Thanks: we are looking at it with the finance team.'))),
      'seed-reply-' || parent.seq, parent.seq % 2 = 0
    FROM annotations parent
    WHERE parent.kind = 'suggestion' AND parent.seq % 5 = 0 AND parent.seq <= ${Math.round(REPLIES * scale) * 5}`);
  await db.query(`
    INSERT INTO votes (annotation_id, voter_key)
    SELECT id, 'seed-voter-' || seq FROM annotations
     WHERE kind = 'suggestion' AND seq % 5 = 1 AND seq <= ${Math.round(VOTES * scale) * 5}`);
  await db.query(`
    UPDATE annotations a SET reply_count = r.n
      FROM (SELECT parent_id, count(*)::int AS n FROM annotations WHERE kind = 'reply' GROUP BY parent_id) r
     WHERE a.id = r.parent_id`);
  await db.query(`
    UPDATE annotations a SET vote_count = 1 FROM votes v WHERE v.annotation_id = a.id`);
  await db.query(`
    INSERT INTO page_revisions (target_source)
    SELECT DISTINCT target_source FROM annotations
    ON CONFLICT (target_source) DO NOTHING`);
  await db.query('ANALYZE');
}

/** Ids (uuids) of 200 suggestions on different pages, as one person's status pull holds. */
export async function statusPullIds(db: Database): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM annotations WHERE kind = 'suggestion' AND seq % 397 = 0 ORDER BY seq LIMIT 200`,
  );
  return rows.map((row) => row.id);
}

/** One suggestion to vote on. */
export async function someSuggestionId(db: Database): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `SELECT id FROM annotations WHERE kind = 'suggestion' AND target_source = $1 LIMIT 1`,
    [HOT_PAGE],
  );
  return row?.id ?? '';
}
