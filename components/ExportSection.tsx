import { useState } from 'preact/hooks';
import { formatNumber } from '@/utils/shared/format';
import { t } from '@/utils/shared/i18n';

export type ExportFormat = 'json' | 'csv';

export interface Props {
  /** Nothing to export: the buttons are off. */
  disabled: boolean;
  locale: string;
  /** Makes and downloads the file; resolves with how many went in, rejects with words. */
  onExport: (format: ExportFormat) => Promise<number>;
}

/** Export the person's suggestions: W3C Web Annotations (JSON) or a spreadsheet (CSV). */
export function ExportSection({ disabled, locale, onExport }: Props) {
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (format: ExportFormat) => {
    setBusy(true);
    setStatus(null);
    try {
      const count = await onExport(format);
      setStatus({ error: false, text: t('exportDone', formatNumber(count, locale)) });
    } catch (error) {
      setStatus({ error: true, text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="export" aria-labelledby="export-heading">
      <h2 id="export-heading">{t('exportHeading')}</h2>
      <div class="export-actions">
        <button
          type="button"
          disabled={disabled || busy}
          title={t('exportJsonLabel')}
          onClick={() => void run('json')}
        >
          {t('exportJson')}
        </button>
        <button
          type="button"
          disabled={disabled || busy}
          title={t('exportCsvLabel')}
          onClick={() => void run('csv')}
        >
          {t('exportCsv')}
        </button>
      </div>
      <p role="status" class={status?.error ? 'error' : 'muted'}>
        {status?.text ?? ''}
      </p>
    </section>
  );
}
