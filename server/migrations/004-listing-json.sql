-- Each annotation keeps its listing entry as ready JSON text, so a page listing is one
-- index-ordered read of text joined by commas: no JSON parsed or built per item, per request.
--
-- `listing_tail` is the annotation as a listing shows it (server/representation.ts,
-- toWireAnnotation without `@context`), minus what depends on the address the endpoint is
-- reached at: it starts after `{"id":"<iri>",` (and, for a reply, `"target":"<iri>",`), which
-- the listing query puts in front (server/store.ts, listPage).
--
-- A trigger keeps it, so that no write, whichever statement makes it (the API's, the triage
-- page's, an administrator's, a bulk import), can leave it stale: it is rebuilt from the row
-- itself whenever the row is written. It holds nothing the row does not already hold.
CREATE FUNCTION annotations_listing_tail() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  doc jsonb := NEW.document;
  target jsonb := doc -> 'target';
  selector jsonb := target -> 'selector';
  iso constant text := 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
  item jsonb;
BEGIN
  -- The client's fields; those the server owns are set below.
  item := doc - '@context' - 'fromOwner' - 'id' - 'type' - 'motivation' - 'created' - 'modified';
  IF doc ? 'type' THEN item := item || jsonb_build_object('type', doc -> 'type'); END IF;
  IF doc ? 'motivation' THEN
    item := item || jsonb_build_object('motivation', doc -> 'motivation');
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
  NEW.listing_tail := substr(
    regexp_replace(item::text, '("(?:[^"\\]|\\.)*")|([,:]) ', '\1\2', 'g'), 2);
  RETURN NEW;
END
$$;

ALTER TABLE annotations ADD COLUMN listing_tail text;
CREATE TRIGGER annotations_listing_tail BEFORE INSERT OR UPDATE ON annotations
  FOR EACH ROW EXECUTE FUNCTION annotations_listing_tail();
-- Existing rows: rewriting each once fills it (one pass over the table; see docs/DEPLOY.md).
UPDATE annotations SET listing_tail = NULL;
ALTER TABLE annotations ALTER COLUMN listing_tail SET NOT NULL;

-- A page's suggestions in order, read with its LIMIT straight from the index (the index of
-- migration 001 also holds the page's replies, so a listing would filter and sort them).
CREATE INDEX annotations_suggestions_by_page ON annotations (target_source, seq)
  WHERE kind = 'suggestion' AND deleted_at IS NULL;
