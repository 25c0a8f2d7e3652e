import { formatNumber, relativeTime } from '@/utils/shared/format';
import { t } from '@/utils/shared/i18n';
import type { Suggestion } from '@/utils/shared/suggestion';
import { type KeepChoice, SuggestionItem } from './SuggestionItem';

export interface Props {
  suggestions: Suggestion[];
  total: number;
  now: number;
  /** The UI's language, for times and numbers. */
  locale: string;
  onOpen: (suggestion: Suggestion) => void;
  onRetry?: (suggestion: Suggestion) => void;
  onKeep?: (suggestion: Suggestion, keep: KeepChoice) => void;
  /** The suggestion asked for (a notification's click): focused and scrolled to. */
  focusedId?: string;
  onShowMore: () => void;
}

export function SuggestionList({
  suggestions,
  total,
  now,
  locale,
  onOpen,
  onRetry,
  onKeep,
  focusedId,
  onShowMore,
}: Props) {
  if (total === 0) return <p class="empty muted">{t('popupEmpty')}</p>;
  return (
    <>
      <ul class="suggestions">
        {suggestions.map((suggestion) => (
          <SuggestionItem
            key={suggestion.id}
            suggestion={suggestion}
            relativeTime={relativeTime(suggestion.updatedAt, now, locale)}
            onOpen={onOpen}
            onRetry={onRetry}
            onKeep={onKeep}
            focused={suggestion.id === focusedId}
          />
        ))}
      </ul>
      {suggestions.length < total ? (
        <div class="more">
          <span class="muted">
            {t('popupCount', [
              formatNumber(suggestions.length, locale),
              formatNumber(total, locale),
            ])}
          </span>
          <button type="button" onClick={onShowMore}>
            {t('popupShowMore')}
          </button>
        </div>
      ) : null}
    </>
  );
}
