import { t } from '@/utils/shared/i18n';

export interface Props {
  quote: string;
  text: string;
  /** Where it stands, as a word (Queued, Under review...). */
  status: string;
  onClose: () => void;
}

/** A submitted suggestion, opened from its highlight: shown as it was sent, not editable. */
export function SuggestionView({ quote, text, status, onClose }: Props) {
  return (
    <div class="editor">
      <header class="editor-header">
        <h1>{t('viewHeading')}</h1>
        <button type="button" class="icon" aria-label={t('closeLabel')} onClick={onClose}>
          ×
        </button>
      </header>
      {quote ? (
        <figure>
          <figcaption class="muted">{t('editorAboutQuote')}</figcaption>
          <blockquote class="quote">{quote}</blockquote>
        </figure>
      ) : null}
      <p class="view-text">{text}</p>
      <p class="muted">{t('viewStatus', status)}</p>
    </div>
  );
}
