import { useId } from 'preact/hooks';
import { t } from '@/utils/shared/i18n';

export interface SimilarItem {
  id: string;
  text: string;
  supportCount: number;
  /** Whether this person supports it already. */
  supported: boolean;
  /** On the page being written on, rather than elsewhere on the site. */
  samePage: boolean;
  /** The person's own: shown, so they need not write it twice, but not theirs to support. */
  own?: boolean;
}

export interface Props {
  /** Ranked, best first (`similarTo` in utils/ui/similar.ts); nothing is shown when empty. */
  items: SimilarItem[];
  /** Toggles this person's support; the caller flips `supported` and the count when it lands. */
  onSupport: (id: string) => void;
  /** Opens the suggestion's card, if the editor offers that. */
  onOpen?: (id: string) => void;
}

/** "Similar suggestions": existing ones close to the draft, to support instead of repeating. */
export function SimilarSuggestions({ items, onSupport, onOpen }: Props) {
  const headingId = useId();
  if (items.length === 0) return null;
  return (
    <section class="similar">
      <h2 id={headingId}>{t('similarHeading')}</h2>
      <p class="muted">{t('similarHint')}</p>
      <ul class="suggestions" aria-labelledby={headingId}>
        {items.map((item) => {
          const textId = `${headingId}-${item.id}`;
          return (
            <li key={item.id} class="suggestion">
              {onOpen ? (
                <button type="button" class="link text" id={textId} onClick={() => onOpen(item.id)}>
                  {item.text}
                </button>
              ) : (
                <span class="text" id={textId}>
                  {item.text}
                </span>
              )}
              <span class="meta">
                <span class="where">
                  {item.samePage ? t('similarOnThisPage') : t('similarElsewhereOnSite')}
                </span>
                {' · '}
                <span class="support-count">
                  {item.supportCount > 0
                    ? t('similarSupportCount', String(item.supportCount))
                    : t('similarNoSupportYet')}
                </span>
              </span>
              {item.own ? (
                <span class="muted own">{t('similarYours')}</span>
              ) : (
                <button
                  type="button"
                  class="support"
                  aria-pressed={item.supported}
                  aria-describedby={textId}
                  onClick={() => onSupport(item.id)}
                >
                  {t('similarSupport')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
