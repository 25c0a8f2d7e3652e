import { t } from '@/utils/shared/i18n';
import type { Suggestion } from '@/utils/shared/suggestion';

export interface Props {
  /** The page's suggestions whose text is no longer on it. */
  orphans: Suggestion[];
}

/** "Not found on this page": what the page no longer shows, with the text it was about. */
export function PageOrphans({ orphans }: Props) {
  if (orphans.length === 0) return null;
  return (
    <section aria-labelledby="not-found-heading">
      <h2 id="not-found-heading">{t('popupNotFoundHeading')}</h2>
      <p class="muted">{t('popupNotFoundHint')}</p>
      <ul class="suggestions">
        {orphans.map((suggestion) => (
          <li key={suggestion.id} class="suggestion">
            <span class="text">{suggestion.text || '…'}</span>
            <span class="quote-line">“{suggestion.quote}”</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
