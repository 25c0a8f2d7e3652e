import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { E2E_SITES, EXTENSION_DIR } from './support/paths';

interface Manifest {
  permissions: string[];
  host_permissions: string[];
  optional_host_permissions: string[];
  content_scripts?: unknown[];
  web_accessible_resources: { resources: string[] }[];
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
    // Only the editor may be framed by pages.
    expect(manifest.web_accessible_resources.flatMap((r) => r.resources)).toEqual(['editor.html']);
    expect(manifest.default_locale).toBe('en');
  });
});
