import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { E2E_SITES, EXTENSION_DIR } from './support/paths';

interface Manifest {
  permissions: string[];
  host_permissions: string[];
  optional_host_permissions: string[];
  content_scripts?: unknown[];
  web_accessible_resources: { resources: string[]; matches: string[]; use_dynamic_url?: boolean }[];
  content_security_policy: { extension_pages: string };
  default_locale: string;
}

describe('the built manifest', () => {
  it('asks for no site up front beyond the configured ones', async () => {
    const manifest = JSON.parse(
      await readFile(`${EXTENSION_DIR}/manifest.json`, 'utf8'),
    ) as Manifest;
    // The toolbar button reaches any page through activeTab + scripting, not host permissions.
    expect(manifest.permissions).toEqual(expect.arrayContaining(['activeTab', 'scripting']));
    expect(manifest.permissions).not.toContain('tabs');
    expect(manifest.host_permissions).toEqual(E2E_SITES.split(','));
    expect(manifest.host_permissions).not.toContain('<all_urls>');
    // Sites and the endpoint are asked for at run time, one host at a time.
    expect(manifest.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
    // The launcher is registered at run time for the permitted sites only.
    expect(manifest.content_scripts ?? []).toEqual([]);
    // Only the editor may be framed by pages, and in Chromium only at its per-session address:
    // a page can neither probe for Flywheel nor learn its id from it.
    expect(manifest.web_accessible_resources).toEqual([
      { resources: ['editor.html'], matches: ['<all_urls>'], use_dynamic_url: true },
    ]);
    // Nothing but the extension's own scripts runs in its pages.
    expect(manifest.content_security_policy.extension_pages).toBe(
      "script-src 'self'; object-src 'self'",
    );
    // Exactly the permissions the features need.
    expect([...manifest.permissions].sort()).toEqual(
      ['activeTab', 'alarms', 'notifications', 'scripting', 'storage'].sort(),
    );
    expect(manifest.default_locale).toBe('en');
  });
});
