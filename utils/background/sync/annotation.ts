// Between a suggestion as this device keeps it and the W3C Web Annotation the endpoint speaks.
import {
  ANNOTATION_CONTEXT,
  type StoredSuggestion,
  type SuggestionBodyToSend,
} from '../../protocol/annotation';
import { contextToSend } from '../../shared/screenshot';
import type { Suggestion } from '../../shared/suggestion';

export function toAnnotation(suggestion: Suggestion, displayName: string): SuggestionBodyToSend {
  const annotation: SuggestionBodyToSend = {
    '@context': [...ANNOTATION_CONTEXT],
    type: 'Annotation',
    motivation: 'editing',
    created: new Date(suggestion.submittedAt ?? suggestion.createdAt).toISOString(),
    body: [
      { type: 'TextualBody', value: suggestion.text, format: 'text/plain', purpose: 'editing' },
    ],
    // The whole page is its URL; a part of it, the page and the selectors that find it.
    target:
      suggestion.selectors.length > 0
        ? { source: suggestion.pageUrl, selector: suggestion.selectors }
        : suggestion.pageUrl,
    category: suggestion.category,
    anonymous: suggestion.anonymous,
  };
  // Anonymity is kept here, on the device: the endpoint is never given a name to hide.
  if (!suggestion.anonymous && displayName.trim()) {
    annotation.creator = { type: 'Person', name: displayName.trim() };
  }
  // The screenshot: a second body, an Image whose IRI holds it (a data: IRI).
  const { screenshot, pageContext } = suggestion;
  if (screenshot && Array.isArray(annotation.body)) {
    annotation.body.push({
      type: 'Image',
      id: `data:${screenshot.format};base64,${screenshot.data}`,
      format: screenshot.format,
    });
  }
  // Rounded again here: whatever was kept, an anonymous suggestion says no more than this.
  if (pageContext) annotation.pageContext = contextToSend(pageContext, suggestion.anonymous);
  return annotation;
}

/** The server's own id of an annotation: the last path segment of its IRI. */
export function remoteKey(remoteId: string): string {
  return new URL(remoteId).pathname.split('/').filter(Boolean).pop() ?? remoteId;
}

export function remoteFields(stored: StoredSuggestion, etag: string | null) {
  return {
    remoteId: stored.id,
    remoteStatus: stored.status,
    voteCount: stored.voteCount,
    replyCount: stored.replyCount,
    ...(etag ? { etag } : {}),
  };
}
