import '@/components/styles.css';
import './style.css';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { DiagnosticsSection } from '@/components/DiagnosticsSection';
import { FatalError } from '@/components/FatalError';
import { OptionsForm, type OptionsValues } from '@/components/OptionsForm';
import { PolicySection } from '@/components/PolicySection';
import { SitesSection } from '@/components/SitesSection';
import { checkEndpointUrl, originPattern } from '@/utils/shared/endpoint-url';
import { inWords, t, uiLocale } from '@/utils/shared/i18n';
import { sendMessage } from '@/utils/shared/messaging';

async function save(values: OptionsValues, fromPolicy: boolean): Promise<string> {
  const check = values.endpointUrl.trim() === '' ? null : checkEndpointUrl(values.endpointUrl);
  if (check && !check.ok) throw new Error(t(check.error));
  if (check?.ok && !fromPolicy) {
    // Asked first, while the click still counts as the person's gesture; only this host.
    const granted = await browser.permissions.request({ origins: [originPattern(check.url)] });
    if (!granted) throw new Error(t('errorPermissionDenied'));
  }
  return (await inWords(() => sendMessage('saveSettings', values))).endpointUrl;
}

/** Asks the browser for a site first, while the click still counts as the person's gesture. */
async function allowSite(pattern: string) {
  const granted = await browser.permissions.request({ origins: [pattern] });
  if (!granted) throw new Error(t('errorPermissionDenied'));
}

async function start() {
  const root = document.getElementById('app');
  if (!root) return;
  const locale = uiLocale();
  document.documentElement.lang = locale;
  document.title = t('optionsHeading');
  try {
    const [initial, { sites }, { errors }] = await Promise.all([
      sendMessage('getSettings', {}),
      sendMessage('getSites', {}),
      sendMessage('getDiagnostics', {}),
    ]);
    render(
      <>
        <OptionsForm
          initial={initial}
          policy={initial.policy}
          onSave={(values) => save(values, initial.endpointFromPolicy)}
          onTest={(values) => inWords(() => sendMessage('testConnection', values))}
        />
        <PolicySection policy={initial.policy} locale={locale} />
        <SitesSection
          sites={sites}
          onAdd={async (pattern) => {
            await allowSite(pattern);
            return (await inWords(() => sendMessage('addSite', { pattern }))).sites;
          }}
          onAllow={async (pattern) => {
            await allowSite(pattern);
            return (await inWords(() => sendMessage('getSites', {}))).sites;
          }}
          onRemove={async (pattern) =>
            (await inWords(() => sendMessage('removeSite', { pattern }))).sites
          }
        />
        <DiagnosticsSection
          errors={errors}
          locale={locale}
          onCopy={(text) => navigator.clipboard.writeText(text)}
          onClear={async () => {
            await inWords(() => sendMessage('clearDiagnostics', {}));
          }}
        />
      </>,
      root,
    );
  } catch (error) {
    render(<FatalError error={error} />, root);
  }
}

void start();
