import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber } from '@/utils/shared/format';
import { type MessageKey, t, uiLocale } from '@/utils/shared/i18n';
import { type Category, MAX_SUGGESTION_LENGTH } from '@/utils/shared/suggestion';

export interface EditorValues {
  text: string;
  /** None is preset: absent until the person chooses one. */
  category?: Category;
  anonymous: boolean;
}

export interface Props {
  quote: string;
  initial: EditorValues;
  /** Called on every change; the caller saves the draft. */
  onChange: (values: EditorValues) => void;
  /** Called only once a category is chosen. */
  onSubmit: (values: EditorValues & { category: Category }) => Promise<void>;
  onClose: () => void;
  onSuggestAnother: () => void;
  /** What is attached (a screenshot) and sent with it (the page context), above Submit. */
  attachment?: (values: EditorValues) => ComponentChildren;
  /** Status of the draft save, shown politely to screen readers. */
  saveStatus: 'idle' | 'saved' | { error: string };
  /**
   * False while the browser reports the frame covered or transformed (clickjacking): then the
   * choices that matter most, submitting and anonymity, wait until it is really in view.
   */
  visible: boolean;
  /** The categories the organisation offers, in its order. */
  categories: readonly Category[];
  /** The organisation allows anonymous suggestions. */
  allowAnonymous: boolean;
  /** Existing suggestions close to what is typed (`SimilarSuggestions`), under the text. */
  similar?: ComponentChildren;
}

export function categoryKey(category: Category): MessageKey {
  return `category_${category.replace('-', '_')}` as MessageKey;
}

export function SuggestionEditor(props: Props) {
  const [values, setValues] = useState(props.initial);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [categoryMissing, setCategoryMissing] = useState(false);

  const textbox = useRef<HTMLTextAreaElement>(null);
  const categorySelect = useRef<HTMLSelectElement>(null);
  // Focus by script: browsers ignore autofocus in a cross-origin frame such as this editor.
  useEffect(() => textbox.current?.focus(), []);

  const length = values.text.trim().length;
  const tooLong = length > MAX_SUGGESTION_LENGTH;
  const empty = length === 0;

  const update = (change: Partial<EditorValues>) => {
    const next = { ...values, ...change };
    setValues(next);
    setSubmitError(null);
    props.onChange(next);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (empty || tooLong || submitting || !props.visible) return;
    const { category } = values;
    if (!category) {
      // Said, and the choice put in front of the person; nothing typed is touched.
      setCategoryMissing(true);
      categorySelect.current?.focus();
      return;
    }
    setSubmitting(true);
    try {
      await props.onSubmit({ ...values, category });
      setSubmitted(true);
    } catch (error) {
      setSubmitError(error instanceof Error ? error.message : String(error));
    } finally {
      setSubmitting(false);
    }
  };

  const header = (
    <header class="editor-header">
      <h1>{t('editorHeading')}</h1>
      <button type="button" class="icon" aria-label={t('closeLabel')} onClick={props.onClose}>
        ×
      </button>
    </header>
  );

  if (submitted) {
    return (
      <div class="editor">
        {header}
        <p role="status" class="ok">
          {t('submitted')}
        </p>
        <div class="actions">
          <button type="button" onClick={props.onSuggestAnother}>
            {t('suggestAnother')}
          </button>
          <button type="button" class="primary" onClick={props.onClose}>
            {t('closeLabel')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form class="editor" onSubmit={submit} noValidate>
      {header}
      {props.quote ? (
        <figure>
          <figcaption class="muted">{t('editorAboutQuote')}</figcaption>
          <blockquote class="quote">{props.quote}</blockquote>
        </figure>
      ) : (
        <p class="muted">{t('editorAboutPage')}</p>
      )}
      <label for="suggestion">{t('suggestionLabel')}</label>
      <textarea
        id="suggestion"
        rows={6}
        value={values.text}
        placeholder={t('suggestionPlaceholder')}
        aria-invalid={tooLong}
        aria-describedby="suggestion-count suggestion-error"
        ref={textbox}
        onInput={(event) => update({ text: event.currentTarget.value })}
      />
      <div class="row">
        <span id="suggestion-count" class={tooLong ? 'error muted' : 'muted'}>
          {t('characterCount', [
            formatNumber(length, uiLocale()),
            formatNumber(MAX_SUGGESTION_LENGTH, uiLocale()),
          ])}
        </span>
        <span class="muted" aria-live="polite">
          {props.saveStatus === 'saved'
            ? t('draftSaved')
            : typeof props.saveStatus === 'object'
              ? t('draftSaveFailed', props.saveStatus.error)
              : ''}
        </span>
      </div>
      <p id="suggestion-error" class="error" role="alert">
        {tooLong ? t('errorTooLong') : (submitError ?? '')}
      </p>
      {props.similar}
      <label for="category">{t('categoryLabel')}</label>
      <select
        id="category"
        ref={categorySelect}
        value={values.category ?? ''}
        aria-invalid={categoryMissing && !values.category}
        aria-describedby="category-error"
        onChange={(event) => {
          const chosen = event.currentTarget.value as Category | '';
          setCategoryMissing(false);
          update({ category: chosen === '' ? undefined : chosen });
        }}
      >
        <option value="">{t('categoryChoose')}</option>
        {props.categories.map((category) => (
          <option key={category} value={category}>
            {t(categoryKey(category))}
          </option>
        ))}
      </select>
      <p id="category-error" class="error" role="alert">
        {categoryMissing && !values.category ? t('errorChooseCategory') : ''}
      </p>
      {props.allowAnonymous ? (
        <div class="check">
          <input
            id="anonymous"
            type="checkbox"
            checked={values.anonymous}
            disabled={!props.visible}
            aria-describedby="anonymous-hint"
            onChange={(event) => update({ anonymous: event.currentTarget.checked })}
          />
          <label for="anonymous">{t('anonymousLabel')}</label>
        </div>
      ) : null}
      <p id="anonymous-hint" class="muted">
        {values.anonymous ? t('anonymousHint') : t('namedHint')} {t('privacyHint')}
      </p>
      {props.attachment?.(values)}
      {props.visible ? null : (
        <p class="error" role="status">
          {t('editorObscured')}
        </p>
      )}
      <div class="actions">
        <button
          type="submit"
          class="primary"
          disabled={empty || tooLong || submitting || !props.visible}
        >
          {t('submitLabel')}
        </button>
      </div>
    </form>
  );
}
