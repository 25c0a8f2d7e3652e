// @vitest-environment happy-dom
import axe from 'axe-core';
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { OptionsForm } from '@/components/OptionsForm';
import { PolicySection } from '@/components/PolicySection';
import type { SettingsView } from '@/utils/shared/messaging';

const settings: SettingsView = {
  endpointUrl: 'https://feedback.intranet.example/annotations/',
  authMode: 'token',
  displayName: 'Sam',
  hasToken: false,
  endpointFromPolicy: true,
  policy: {},
};
const noop = () => Promise.reject(new Error('not in this test'));

describe('the options page under a policy', () => {
  beforeEach(() => {
    // Messages as "key:substitutions", so the assertions name what is shown.
    vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(
      (key: string, substitutions?: string | string[]) =>
        substitutions === undefined ? key : `${key}:${[substitutions].flat().join('|')}`,
    );
  });
  afterEach(() => render(null, document.body));

  it('shows the sign-in the policy sets, locked, and says who set it', async () => {
    render(
      <main>
        <OptionsForm
          initial={settings}
          policy={{ authMode: 'session' }}
          onSave={noop}
          onTest={noop}
        />
      </main>,
      document.body,
    );
    const session = document.querySelector<HTMLInputElement>('#auth-session');
    const token = document.querySelector<HTMLInputElement>('#auth-token');
    expect(session?.checked).toBe(true);
    expect(token?.checked).toBe(false);
    const fieldset = document.querySelector('fieldset');
    expect(fieldset?.disabled).toBe(true);
    expect(
      document.getElementById(fieldset?.getAttribute('aria-describedby') ?? '')?.textContent,
    ).toBe('endpointFromPolicy');
    // The token field is for token sign-in only.
    expect(document.querySelector('#token')).toBeNull();
    expect(document.querySelector<HTMLInputElement>('#endpoint')?.disabled).toBe(true);
    const results = await axe.run(document.body, {
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => v.id)).toEqual([]);
  });

  it('leaves the sign-in to the person without a policy', () => {
    render(
      <OptionsForm
        initial={{ ...settings, endpointFromPolicy: false }}
        onSave={noop}
        onTest={noop}
      />,
      document.body,
    );
    expect(document.querySelector('fieldset')?.disabled).toBe(false);
    expect(document.querySelector<HTMLInputElement>('#auth-token')?.checked).toBe(true);
    expect(document.querySelector<HTMLInputElement>('#endpoint')?.disabled).toBe(false);
  });

  it('lists what the organisation decided: anonymity, categories, screenshots', () => {
    render(
      <PolicySection
        policy={{
          allowAnonymous: false,
          categories: ['outdated', 'missing-step'],
          allowScreenshot: true,
        }}
        locale="en"
      />,
      document.body,
    );
    expect(document.querySelector('h2')?.textContent).toBe('policyHeading');
    expect([...document.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'policyAnonymousNotAllowed',
      'policyCategories:category_outdated and category_missing_step',
      'policyScreenshotAllowed',
    ]);
  });

  it('shows nothing when the policy decides none of these', () => {
    render(<PolicySection policy={{ authMode: 'token' }} locale="en" />, document.body);
    expect(document.body.textContent).toBe('');
  });
});
