-- Authorship: a suggestion may be changed by its author's browser (which holds a random
-- per-suggestion secret; only its SHA-256 is kept here) or by an owner token. Nothing here
-- says who the author is.
ALTER TABLE annotations ADD COLUMN author_secret_hash text;
-- Set by the server when an owner token (or the triage page) posted the reply.
ALTER TABLE annotations ADD COLUMN from_owner boolean NOT NULL DEFAULT false;

-- One revision per page, bumped by every statement that changes anything a listing of that
-- page (its suggestions, or one suggestion's replies) shows. A listing's ETag comes from
-- this one row, so "unchanged" (304) costs a primary-key read, not building the page.
CREATE TABLE page_revisions (
  target_source text PRIMARY KEY,
  revision bigint NOT NULL DEFAULT 1
);
INSERT INTO page_revisions (target_source)
  SELECT DISTINCT target_source FROM annotations;

-- Status pulls by id: the ETag of `?ids=` comes from these revisions alone.
CREATE INDEX annotations_revision_by_id ON annotations (id) INCLUDE (revision);
-- The newest suggestions first (triage page), optionally by status.
CREATE INDEX annotations_suggestions_by_seq ON annotations (seq)
  WHERE kind = 'suggestion' AND deleted_at IS NULL;
CREATE INDEX annotations_suggestions_by_status ON annotations (status, seq)
  WHERE kind = 'suggestion' AND deleted_at IS NULL;
-- Every live annotation changed since a time (`?since=` without a target).
CREATE INDEX annotations_by_modified ON annotations (modified_at) WHERE deleted_at IS NULL;
