import { errorKeyText, type MessageKey, t } from '@/utils/shared/i18n';
import { siteOf } from '@/utils/shared/pages';
import { statusWord } from '@/utils/shared/status-word';
import type { Suggestion } from '@/utils/shared/suggestion';

export interface Props {
  suggestion: Suggestion;
  /** "3 minutes ago", in the person's language. */
  relativeTime: string;
  onOpen: (suggestion: Suggestion) => void;
  /** Offered for failed and conflicting suggestions. */
  onRetry?: (suggestion: Suggestion) => void;
}

/** A reason is a locale key of ours, or the endpoint's own words (shown as text). */
export function describeReason(reason: string): string {
  return errorKeyText(reason) ?? reason;
}

export function SuggestionItem({ suggestion, relativeTime, onOpen, onRetry }: Props) {
  const site = siteOf(suggestion.pageUrl);
  const pageLabel = suggestion.pageTitle ? `${suggestion.pageTitle} · ${site}` : site;
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
        {/* The page's title on lines of its own: in the meta row it was cut to a few letters. */}
        <span class="page" title={pageLabel}>
          {pageLabel}
        </span>
        <span class="meta">
          <span class={`status status-${suggestion.syncState}`}>
            {t(`state_${suggestion.syncState}` as MessageKey)}
          </span>
          {suggestion.syncState === 'synced' && suggestion.remoteStatus ? (
            <span class={`remote-status status-${suggestion.remoteStatus}`}>
              {statusWord(suggestion)}
            </span>
          ) : null}
          {suggestion.anonymous ? <span class="anonymous">{t('popupAnonymous')}</span> : null}
          <time dateTime={new Date(suggestion.updatedAt).toISOString()}>{relativeTime}</time>
        </span>
        {suggestion.lastError && suggestion.syncState !== 'synced' ? (
          <span class="reason error">{describeReason(suggestion.lastError)}</span>
        ) : null}
      </a>
      {onRetry && (suggestion.syncState === 'failed' || suggestion.syncState === 'conflict') ? (
        <button type="button" class="retry" onClick={() => onRetry(suggestion)}>
          {t('retryLabel')}
        </button>
      ) : null}
    </li>
  );
}
