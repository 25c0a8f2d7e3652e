import { useState } from 'preact/hooks';
import { checkEndpointUrl } from '@/utils/shared/endpoint-url';
import { type MessageKey, t } from '@/utils/shared/i18n';
import type { ConnectionReport, SettingsView } from '@/utils/shared/messaging';
import type { Category } from '@/utils/shared/suggestion';
import type { AuthMode } from '@/utils/shared/sync-status';

export interface OptionsValues {
  endpointUrl: string;
  authMode: AuthMode;
  displayName: string;
  /** Undefined: keep the stored token. */
  token?: string;
}

/**
 * What the organisation's policy sets beyond the endpoint (see entrypoints/background/policy.ts);
 * absent fields are the person's to choose.
 */
export interface OrganisationPolicy {
  authMode?: AuthMode;
  allowAnonymous?: boolean;
  categories?: readonly Category[];
  allowScreenshot?: boolean;
}

export interface Props {
  initial: SettingsView;
  /** Shown locked: read-only, "Set by your organisation". */
  policy?: OrganisationPolicy;
  /** Resolves with the saved endpoint URL; rejects with words for the person. */
  onSave: (values: OptionsValues) => Promise<string>;
  onTest: (values: OptionsValues) => Promise<ConnectionReport>;
}

type Notice = { kind: 'ok' | 'error'; text: string } | null;

export function describeConnection(report: ConnectionReport): string {
  return t(report.result as MessageKey, report.detail);
}

export function OptionsForm({ initial, policy = {}, onSave, onTest }: Props) {
  const [endpointUrl, setEndpointUrl] = useState(initial.endpointUrl);
  const [chosenAuthMode, setAuthMode] = useState<AuthMode>(initial.authMode);
  // The policy's way of signing in wins; the person's choice is kept for when it goes.
  const authMode = policy.authMode ?? chosenAuthMode;
  const [displayName, setDisplayName] = useState(initial.displayName);
  const [token, setToken] = useState('');
  const [urlError, setUrlError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);

  const values = (): OptionsValues => ({
    endpointUrl,
    authMode,
    displayName,
    ...(token !== '' ? { token } : {}),
  });

  const validUrl = (): boolean => {
    if (endpointUrl.trim() === '') return true;
    const check = checkEndpointUrl(endpointUrl);
    setUrlError(check.ok ? null : t(check.error));
    return check.ok;
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setNotice(null);
    if (!validUrl()) return;
    setBusy(true);
    try {
      const saved = await onSave(values());
      setEndpointUrl(saved);
      setToken('');
      setNotice({ kind: 'ok', text: t('savedLabel') });
    } catch (error) {
      setNotice({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setNotice(null);
    if (endpointUrl.trim() === '' || !validUrl()) {
      if (endpointUrl.trim() === '') setUrlError(t('errorEndpointMalformed'));
      return;
    }
    setBusy(true);
    setNotice({ kind: 'ok', text: t('testing') });
    try {
      const report = await onTest(values());
      setNotice({ kind: report.ok ? 'ok' : 'error', text: describeConnection(report) });
    } catch (error) {
      setNotice({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="options" onSubmit={save} noValidate>
      <h1>{t('optionsHeading')}</h1>
      <div class="field">
        <label for="endpoint">{t('endpointUrlLabel')}</label>
        <input
          id="endpoint"
          type="url"
          value={endpointUrl}
          disabled={initial.endpointFromPolicy}
          placeholder={t('endpointUrlExample')}
          aria-invalid={urlError !== null}
          aria-describedby="endpoint-hint endpoint-error"
          onInput={(event) => {
            setEndpointUrl(event.currentTarget.value);
            setUrlError(null);
          }}
          onBlur={() => validUrl()}
        />
        <p id="endpoint-hint" class="muted">
          {initial.endpointFromPolicy ? t('endpointFromPolicy') : t('endpointUrlHint')}
        </p>
        <p id="endpoint-error" class="error" role="alert">
          {urlError ?? ''}
        </p>
      </div>
      <fieldset
        class="field"
        disabled={policy.authMode !== undefined}
        aria-describedby={policy.authMode ? 'auth-policy' : undefined}
      >
        <legend>{t('authModeLabel')}</legend>
        {(['token', 'session'] as const).map((mode) => (
          <div class="check" key={mode}>
            <input
              id={`auth-${mode}`}
              type="radio"
              name="auth"
              checked={authMode === mode}
              onChange={() => setAuthMode(mode)}
            />
            <label for={`auth-${mode}`}>
              {t(mode === 'token' ? 'authModeToken' : 'authModeSession')}
            </label>
          </div>
        ))}
        {policy.authMode ? (
          <p id="auth-policy" class="muted">
            {t('endpointFromPolicy')}
          </p>
        ) : null}
      </fieldset>
      {authMode === 'token' ? (
        <div class="field">
          <label for="token">{t('accessTokenLabel')}</label>
          <input
            id="token"
            type="password"
            autocomplete="off"
            value={token}
            aria-describedby="token-hint"
            onInput={(event) => setToken(event.currentTarget.value)}
          />
          <p id="token-hint" class="muted">
            {initial.hasToken ? t('accessTokenStored') : ''}
          </p>
        </div>
      ) : null}
      <div class="field">
        <label for="display-name">{t('displayNameLabel')}</label>
        <input
          id="display-name"
          type="text"
          value={displayName}
          maxLength={200}
          aria-describedby="display-name-hint"
          onInput={(event) => setDisplayName(event.currentTarget.value)}
        />
        <p id="display-name-hint" class="muted">
          {t('displayNameHint')}
        </p>
      </div>
      <div class="actions">
        <button type="button" disabled={busy} onClick={test}>
          {t('testConnectionLabel')}
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {t('saveLabel')}
        </button>
      </div>
      <p role="status" class={notice?.kind === 'error' ? 'error' : 'ok'}>
        {notice?.text ?? ''}
      </p>
    </form>
  );
}
