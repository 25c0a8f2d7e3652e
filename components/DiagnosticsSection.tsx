import { useState } from 'preact/hooks';
import { t } from '@/utils/shared/i18n';
import type { ErrorEntry } from '@/utils/shared/messaging';

export interface Props {
  errors: ErrorEntry[];
  locale: string;
  /** Puts text on the clipboard; rejects if the browser refuses. */
  onCopy: (text: string) => Promise<void>;
  onClear: () => Promise<void>;
}

/** One line per error, as a bug report wants it: time, context, where, message. */
export function errorReport(errors: ErrorEntry[]): string {
  return errors
    .map((e) => `${new Date(e.time).toISOString()}\t${e.context}\t${e.where}\t${e.message}`)
    .join('\n');
}

/** Recent errors of every context, so a failure that happened out of sight can be reported. */
export function DiagnosticsSection(props: Props) {
  const [errors, setErrors] = useState(props.errors);
  const [status, setStatus] = useState('');
  const time = new Intl.DateTimeFormat(props.locale, { dateStyle: 'short', timeStyle: 'medium' });

  const act = async (action: () => Promise<void>, done: string) => {
    try {
      await action();
      setStatus(done);
    } catch (error) {
      setStatus(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <section aria-labelledby="diagnostics-heading">
      <h2 id="diagnostics-heading">{t('diagnosticsHeading')}</h2>
      <p class="muted">{t('diagnosticsIntro')}</p>
      {errors.length === 0 ? (
        <p>{t('diagnosticsEmpty')}</p>
      ) : (
        <ul class="diagnostics" aria-labelledby="diagnostics-heading">
          {errors.map((e) => (
            <li key={`${e.time}-${e.where}-${e.message}`}>
              <time dateTime={new Date(e.time).toISOString()}>{time.format(e.time)}</time>{' '}
              <strong>
                {e.context} · {e.where}
              </strong>
              <span class="message">{e.message}</span>
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <button
          type="button"
          disabled={errors.length === 0}
          onClick={() => void act(() => props.onCopy(errorReport(errors)), t('diagnosticsCopied'))}
        >
          {t('diagnosticsCopy')}
        </button>
        <button
          type="button"
          disabled={errors.length === 0}
          onClick={() =>
            void act(async () => {
              await props.onClear();
              setErrors([]);
            }, '')
          }
        >
          {t('diagnosticsClear')}
        </button>
      </div>
      <p role="status" class="muted">
        {status}
      </p>
    </section>
  );
}
