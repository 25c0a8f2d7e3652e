import { useState } from 'preact/hooks';
import { type MessageKey, t } from '@/utils/shared/i18n';
import type { SiteEntry } from '@/utils/shared/messaging';
import { checkSitePattern } from '@/utils/shared/site-pattern';

export interface Props {
  sites: SiteEntry[];
  /** Resolves with the new list; rejects with words for the person. */
  onAdd: (pattern: string) => Promise<SiteEntry[]>;
  onAllow: (pattern: string) => Promise<SiteEntry[]>;
  onRemove: (pattern: string) => Promise<SiteEntry[]>;
}

const SOURCE_KEYS: Record<SiteEntry['source'], MessageKey> = {
  build: 'siteSourceBuild',
  policy: 'siteSourcePolicy',
  person: 'siteSourcePerson',
};

/** The sites where the launcher shows, and adding or removing one's own. */
export function SitesSection(props: Props) {
  const [sites, setSites] = useState(props.sites);
  const [input, setInput] = useState('');
  const [error, setError] = useState<string | null>(null);

  const run = async (action: () => Promise<SiteEntry[]>) => {
    setError(null);
    try {
      setSites(await action());
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  };

  const add = async (event: Event) => {
    event.preventDefault();
    const check = checkSitePattern(input);
    if (!check.ok) {
      setError(t(check.error));
      return;
    }
    if (await run(() => props.onAdd(check.pattern))) setInput('');
  };

  return (
    <section class="sites" aria-labelledby="sites-heading">
      <h2 id="sites-heading">{t('sitesHeading')}</h2>
      <p class="muted">{t('sitesHint')}</p>
      {sites.length === 0 ? <p class="muted">{t('sitesNone')}</p> : null}
      <ul>
        {sites.map((site) => (
          <li key={site.pattern}>
            <code>{site.pattern}</code>
            <span class="muted">{t(SOURCE_KEYS[site.source])}</span>
            {site.allowed ? null : (
              <>
                <span class="error">{t('siteNotAllowed')}</span>
                <button type="button" onClick={() => void run(() => props.onAllow(site.pattern))}>
                  {t('siteAllow')}
                </button>
              </>
            )}
            {site.source === 'person' ? (
              <button
                type="button"
                aria-label={t('siteRemove', site.pattern)}
                onClick={() => void run(() => props.onRemove(site.pattern))}
              >
                {t('siteRemoveShort')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <form class="add-site" onSubmit={add} noValidate>
        <label for="site">{t('siteAddLabel')}</label>
        <div class="row">
          <input
            id="site"
            type="text"
            value={input}
            placeholder={t('siteExample')}
            aria-describedby="site-error"
            onInput={(event) => {
              setInput(event.currentTarget.value);
              setError(null);
            }}
          />
          <button type="submit">{t('siteAddButton')}</button>
        </div>
        <p id="site-error" class="error" role="alert">
          {error ?? ''}
        </p>
      </form>
    </section>
  );
}
