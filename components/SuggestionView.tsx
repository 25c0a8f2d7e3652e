import { t } from '@/utils/shared/i18n';

export interface Props {
  quote: string;
  text: string;
  /** Where it stands, as a word (Queued, Under review...). */
  status: string;
  /** A colleague's suggestion: who wrote it (absent: anonymous), its category and support. */
  colleague?: {
    authorName?: string;
    categoryWord?: string;
    supportCount: string;
    replyCount: string;
  };
  onClose: () => void;
}

/** A submitted suggestion, opened from its mark: shown as it was sent, not editable. */
export function SuggestionView({ quote, text, status, colleague, onClose }: Props) {
  return (
    <div class="editor">
      <header class="editor-header">
        <h1>{colleague ? t('cardHeading') : t('viewHeading')}</h1>
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
      {colleague ? (
        <dl class="card-facts">
          <dt>{t('cardAuthor')}</dt>
          <dd>{colleague.authorName ?? t('cardAnonymous')}</dd>
          {colleague.categoryWord ? (
            <>
              <dt>{t('categoryLabel')}</dt>
              <dd>{colleague.categoryWord}</dd>
            </>
          ) : null}
          <dt>{t('cardSupport')}</dt>
          <dd>{colleague.supportCount}</dd>
          <dt>{t('cardReplies')}</dt>
          <dd>{colleague.replyCount}</dd>
        </dl>
      ) : null}
      <p class="muted">{t('viewStatus', status)}</p>
    </div>
  );
}
