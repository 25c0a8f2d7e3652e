-- Triage page sign-ins, shared by every endpoint instance on this database, so a second
-- instance or a restart signs nobody out. The cookie holds a random id; this table keeps only
-- its SHA-256, so a copy of the table signs nobody in.
CREATE TABLE triage_sessions (
  id_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX triage_sessions_by_expiry ON triage_sessions (expires_at);

-- The workbench's filters and sorts (server/triage/queries.ts), each one index read with a
-- LIMIT however many suggestions there are. The newest-first and by-status orders use the
-- indexes of migration 002.

-- Filter by site: the host (with port) of the page URL.
CREATE INDEX triage_suggestions_by_site ON annotations (split_part(target_source, '/', 3), seq)
  WHERE kind = 'suggestion' AND deleted_at IS NULL;

CREATE INDEX triage_suggestions_by_category ON annotations ((document ->> 'category'), seq)
  WHERE kind = 'suggestion' AND deleted_at IS NULL;

-- Sort by support (most first, newest first among equals).
CREATE INDEX triage_suggestions_by_support ON annotations (vote_count, seq)
  WHERE kind = 'suggestion' AND deleted_at IS NULL;

-- Search: the words of a suggestion's text, its quote and its author's display name, kept
-- beside the row so that a search for a common word does not recompute every row's words.
ALTER TABLE annotations ADD COLUMN triage_words tsvector GENERATED ALWAYS AS (
  CASE WHEN kind = 'suggestion' THEN to_tsvector('simple'::regconfig,
    coalesce(jsonb_path_query_first(document, '$.body[*] ? (@.purpose == "editing").value') #>> '{}', '')
    || ' ' ||
    coalesce(jsonb_path_query_first(document, '$.target.selector[*] ? (@.type == "TextQuoteSelector").exact') #>> '{}', '')
    || ' ' ||
    coalesce(document #>> '{creator,name}', ''))
  END
) STORED;
CREATE INDEX triage_suggestions_search ON annotations USING gin (triage_words)
  WHERE kind = 'suggestion' AND deleted_at IS NULL;

-- "Unanswered": no live reply from a process owner (from_owner, migration 002).
CREATE INDEX triage_owner_replies_by_parent ON annotations (parent_id)
  WHERE kind = 'reply' AND from_owner AND deleted_at IS NULL;
