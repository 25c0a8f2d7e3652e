import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Sites where the launcher shows without asking: match patterns given at build time,
// e.g. FLYWHEEL_SITES="https://intranet.example/*,http://127.0.0.1/*".
const buildSites = (process.env.FLYWHEEL_SITES ?? '')
  .split(',')
  .map((site) => site.trim())
  .filter(Boolean);

export default defineConfig({
  // Firefox too: its MV3 supports everything Flywheel uses (scripting, session storage).
  manifestVersion: 3,
  // Browser tests build their own copy (with the test sites) beside the normal one.
  outDir: process.env.FLYWHEEL_OUT_DIR ?? '.output',
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports only: a reader sees where every name comes from.
  imports: false,
  vite: () => ({
    plugins: [preact()],
    define: {
      'import.meta.env.FLYWHEEL_SITES': JSON.stringify(buildSites.join(',')),
      // An endpoint built in as the default (an organisation's own build, or the demo).
      'import.meta.env.FLYWHEEL_ENDPOINT': JSON.stringify(process.env.FLYWHEEL_ENDPOINT ?? ''),
    },
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // activeTab + scripting: the toolbar icon works on any page with no site permission asked.
    // notifications: the author hears when the process owner answers.
    permissions: ['storage', 'activeTab', 'scripting', 'alarms', 'notifications'],
    host_permissions: buildSites,
    // Sites a person adds in the options page, and the endpoint, are asked for at run time.
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    action: { default_title: '__MSG_actionTitle__' },
    commands: {
      // A keyboard way in on any page; like the toolbar button, it grants activeTab.
      'suggest-improvement': {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_commandSuggest__',
      },
    },
    // The editor is an extension page framed into intranet pages: typing stays out of their reach.
    // In Chromium only through a per-session address (use_dynamic_url), so a page cannot probe
    // for Flywheel or learn its id; Firefox's addresses are already random per installation.
    web_accessible_resources: [
      {
        resources: ['editor.html'],
        matches: ['<all_urls>'],
        ...(browser === 'firefox' ? {} : { use_dynamic_url: true }),
      },
    ],
    // No remote code, no inline script, no eval in extension pages.
    content_security_policy: { extension_pages: "script-src 'self'; object-src 'self'" },
    storage: { managed_schema: 'managed-schema.json' },
    icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    browser_specific_settings: {
      gecko: {
        id: 'flywheel@flywheel.invalid',
        // Suggestions go only to the endpoint the organisation configures, never to us.
        data_collection_permissions: { required: ['none'] },
      },
    },
  }),
  hooks: {
    // Pages get the browser's own API, not webextension-polyfill (see entrypoints/content-script/native-browser.ts).
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.every((entrypoint) => entrypoint.name === 'content-script')) return;
      const aliases = config.resolve?.alias ?? [];
      config.resolve = {
        ...config.resolve,
        alias: [
          {
            find: /^wxt\/browser$/,
            replacement: resolve('entrypoints/content-script/native-browser.ts'),
          },
          ...(Array.isArray(aliases)
            ? aliases
            : Object.entries(aliases).map(([find, replacement]) => ({ find, replacement }))),
        ],
      };
    },
    // The content script runs in every configured page: show its cost on every build.
    'build:done': async (wxt) => {
      const file = join(wxt.config.outDir, 'content-script.js');
      const code = await readFile(file);
      const gzip = gzipSync(code, { level: 9 }).length;
      wxt.logger.info(
        `Content script: ${(code.length / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzip (budget 12 KB gzip)`,
      );
    },
  },
});
