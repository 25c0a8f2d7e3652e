-- A suggestion's screenshot is kept once, here, apart from its document: the document keeps
-- only `{ "type": "Image", "format": … }`, and every representation the endpoint gives names
-- the picture by reference (`<annotation IRI>/screenshot`, served by GET of that IRI), so a
-- page's listing no longer carries every picture of the page to every colleague who opens it.
CREATE TABLE screenshots (
  annotation_id uuid PRIMARY KEY REFERENCES annotations (id),
  media_type text NOT NULL CHECK (media_type IN ('image/webp', 'image/jpeg', 'image/png')),
  bytes bytea NOT NULL,
  -- Hex SHA-256 of the bytes: the strong ETag of GET {id}/screenshot.
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The listing entry (migration 004) names the picture by reference. Its IRI depends on the
-- address the endpoint is reached at, so the stored text holds the character U+0001 where
-- the IRI goes, and the listing query puts `<container><id>/screenshot` there. jsonb's text
-- escapes every control character, so U+0001 never stands raw for anything a client sent.
CREATE OR REPLACE FUNCTION annotations_listing_tail() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  doc jsonb := NEW.document;
  target jsonb := doc -> 'target';
  selector jsonb := target -> 'selector';
  iso constant text := 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
  item jsonb;
  -- A value no client text can hold, to find where the screenshot's IRI goes.
  marker text;
  tail text;
BEGIN
  -- The client's fields; those the server owns are set below.
  item := doc - '@context' - 'fromOwner' - 'id' - 'type' - 'motivation' - 'created' - 'modified';
  IF doc ? 'type' THEN item := item || jsonb_build_object('type', doc -> 'type'); END IF;
  IF doc ? 'motivation' THEN
    item := item || jsonb_build_object('motivation', doc -> 'motivation');
  END IF;
  IF jsonb_typeof(doc -> 'body') = 'array' AND doc -> 'body' @> '[{"type":"Image"}]' THEN
    marker := md5(random()::text || clock_timestamp()::text || NEW.id::text);
    item := item || jsonb_build_object('body', (
      SELECT jsonb_agg(CASE WHEN b ->> 'type' = 'Image'
                            THEN b || jsonb_build_object('id', marker) ELSE b END ORDER BY n)
        FROM jsonb_array_elements(doc -> 'body') WITH ORDINALITY AS e(b, n)));
  END IF;
  item := item || jsonb_build_object(
    -- The client's `created` says when the person wrote it (perhaps offline); else ours.
    'created', CASE WHEN jsonb_typeof(doc -> 'created') = 'string' THEN doc -> 'created'
                    ELSE to_jsonb(to_char(NEW.created_at AT TIME ZONE 'UTC', iso)) END,
    'modified', to_char(NEW.modified_at AT TIME ZONE 'UTC', iso));
  IF NEW.kind = 'reply' THEN
    -- Its target is its parent's IRI, put in front by the listing query.
    item := item - 'target' || jsonb_build_object('fromOwner', NEW.from_owner);
  ELSE
    -- A suggestion about the whole page targets the page's URL itself (W3C model 3.2).
    IF jsonb_typeof(target) = 'object' AND COALESCE(
         CASE jsonb_typeof(selector)
           WHEN 'array' THEN jsonb_array_length(selector)
           WHEN 'string' THEN length(selector #>> '{}')
         END, 0) = 0 THEN
      item := item - 'target';
      IF target ? 'source' THEN
        item := item || jsonb_build_object('target', target -> 'source');
      END IF;
    END IF;
    item := item || jsonb_build_object(
      'status', NEW.status, 'voteCount', NEW.vote_count, 'replyCount', NEW.reply_count);
  END IF;
  -- Compact (jsonb's text has a space after each `,` and `:` between members and elements;
  -- strings are matched whole first, so a space inside one stays), and without its opening
  -- brace: the listing query writes `{"id":…,` before it.
  tail := substr(regexp_replace(item::text, '("(?:[^"\\]|\\.)*")|([,:]) ', '\1\2', 'g'), 2);
  IF marker IS NOT NULL THEN tail := replace(tail, marker, chr(1)); END IF;
  NEW.listing_tail := tail;
  RETURN NEW;
END
$$;

-- Screenshots stored inside live documents move here; every document (tombstones too) keeps
-- only the Image body's type and format. Each row changed is rewritten once (the trigger
-- rebuilds its listing entry) and gets a new revision, as do the pages that list it: what
-- GET answers for it changed (docs/DEPLOY.md).
INSERT INTO screenshots (annotation_id, media_type, bytes, sha256)
  SELECT a.id, b ->> 'format', shot.bytes, encode(sha256(shot.bytes), 'hex')
    FROM annotations a
   CROSS JOIN LATERAL jsonb_array_elements(a.document -> 'body') AS e(b)
   CROSS JOIN LATERAL (
     SELECT decode(substr(b ->> 'id', strpos(b ->> 'id', ',') + 1), 'base64') AS bytes) shot
   WHERE a.deleted_at IS NULL AND jsonb_typeof(a.document -> 'body') = 'array'
     AND b ->> 'type' = 'Image' AND b ->> 'id' LIKE 'data:image/%;base64,%'
ON CONFLICT (annotation_id) DO NOTHING;

WITH moved AS (
  UPDATE annotations a
     SET document = jsonb_set(a.document, '{body}', (
           SELECT jsonb_agg(CASE WHEN b ->> 'type' = 'Image'
                                 THEN jsonb_build_object('type', 'Image', 'format', b -> 'format')
                                 ELSE b END ORDER BY n)
             FROM jsonb_array_elements(a.document -> 'body') WITH ORDINALITY AS e(b, n))),
         revision = a.revision + 1
   WHERE jsonb_typeof(a.document -> 'body') = 'array'
     AND a.document -> 'body' @> '[{"type":"Image"}]'
  RETURNING a.target_source
)
UPDATE page_revisions p SET revision = p.revision + 1
 WHERE p.target_source IN (SELECT target_source FROM moved);
