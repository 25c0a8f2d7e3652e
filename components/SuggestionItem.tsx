import { type MessageKey, t } from '@/utils/i18n';
import { siteOf } from '@/utils/pages';
import type { Suggestion } from '@/utils/suggestion';

export interface Props {
  suggestion: Suggestion;
  /** "3 minutes ago", in the person's language. */
  relativeTime: string;
  onOpen: (suggestion: Suggestion) => void;
}

/** The word for where a suggestion stands: the owner's status once it has one, else ours. */
export function statusWord(suggestion: Suggestion): string {
  if (suggestion.syncState === 'synced' && suggestion.remoteStatus) {
    return t(`status_${suggestion.remoteStatus.replace('-', '_')}` as MessageKey);
  }
  return t(`state_${suggestion.syncState}` as MessageKey);
}

export function SuggestionItem({ suggestion, relativeTime, onOpen }: Props) {
  const state =
    suggestion.syncState === 'synced'
      ? (suggestion.remoteStatus ?? 'synced')
      : suggestion.syncState;
  return (
    <li class="suggestion">
      <a
        href={suggestion.pageUrl}
        onClick={(event) => {
          event.preventDefault();
          onOpen(suggestion);
        }}
      >
        <span class="text">{suggestion.text || '…'}</span>
        {suggestion.quote ? <span class="quote-line">“{suggestion.quote}”</span> : null}
        <span class="meta">
          <span class={`status status-${state}`}>{statusWord(suggestion)}</span>
          <span class="page">
            {suggestion.pageTitle || siteOf(suggestion.pageUrl)} · {siteOf(suggestion.pageUrl)}
          </span>
          <time dateTime={new Date(suggestion.updatedAt).toISOString()}>{relativeTime}</time>
        </span>
        {suggestion.lastError ? <span class="reason error">{suggestion.lastError}</span> : null}
      </a>
    </li>
  );
}
