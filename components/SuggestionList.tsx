import { t } from '@/utils/shared/i18n';
import type { Suggestion } from '@/utils/shared/suggestion';
import { SuggestionItem } from './SuggestionItem';

export interface Props {
  suggestions: Suggestion[];
  total: number;
  now: number;
  locale: string;
  onOpen: (suggestion: Suggestion) => void;
  onRetry?: (suggestion: Suggestion) => void;
  onShowMore: () => void;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

export function relativeTime(then: number, now: number, locale: string): string {
  const seconds = Math.round((then - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(0, 'second');
}

export function SuggestionList({
  suggestions,
  total,
  now,
  locale,
  onOpen,
  onRetry,
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
          />
        ))}
      </ul>
      {suggestions.length < total ? (
        <div class="more">
          <span class="muted">{t('popupCount', [String(suggestions.length), String(total)])}</span>
          <button type="button" onClick={onShowMore}>
            {t('popupShowMore')}
          </button>
        </div>
      ) : null}
    </>
  );
}
