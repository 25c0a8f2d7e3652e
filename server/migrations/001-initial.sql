-- Suggestions and replies share one table: both are annotations in one container, with one
-- id space, one idempotency-key space and one ETag scheme.
CREATE TABLE annotations (
  id uuid PRIMARY KEY,
  -- Insertion order, used as the paging cursor: stable while rows are added.
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind text NOT NULL CHECK (kind IN ('suggestion', 'reply')),
  -- Page URL for a suggestion; for a reply, its parent_id says what it answers.
  target_source text NOT NULL,
  parent_id uuid REFERENCES annotations (id),
  -- Unique, so two identical POSTs racing each other create one row, not two.
  idempotency_key text UNIQUE,
  -- Hash of the canonical body first POSTed with that key: a replay must match it.
  request_hash text,
  -- The client's validated fields; server-owned fields live in columns.
  document jsonb NOT NULL,
  status text NOT NULL DEFAULT 'submitted'
    CHECK (status IN ('submitted', 'under-review', 'planned', 'done', 'declined')),
  vote_count integer NOT NULL DEFAULT 0 CHECK (vote_count >= 0),
  reply_count integer NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
  -- Bumped on every change to the representation; the ETag is derived from it.
  revision integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  modified_at timestamptz NOT NULL DEFAULT now(),
  -- Deleted rows stay as tombstones so a late retry of their POST cannot bring them back.
  deleted_at timestamptz
);

CREATE INDEX annotations_by_page ON annotations (target_source, seq) WHERE deleted_at IS NULL;
CREATE INDEX annotations_by_parent ON annotations (parent_id, seq) WHERE deleted_at IS NULL;

CREATE TABLE votes (
  annotation_id uuid NOT NULL REFERENCES annotations (id),
  voter_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (annotation_id, voter_key)
);
