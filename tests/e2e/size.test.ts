import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SCRIPT_BUDGET_GZIP,
  contentScriptOf,
  dexieMarkersIn,
  EDITED_ANCHORING_BUDGET_GZIP,
  EDITED_ANCHORING_FILE,
  editedAnchoringOf,
  kb,
  measureExtensionSizes,
} from '../bench/sizes';
import { EXTENSION_DIR } from './support/paths';

// The global setup has built the extension for the browser tests: this measures that build.
describe('what the extension costs a page', () => {
  it('keeps the content script within 12 KB gzip', async () => {
    const sizes = await measureExtensionSizes(EXTENSION_DIR);
    const content = contentScriptOf(sizes);
    expect(content, 'content-script.js was built').toBeDefined();
    console.info(
      `Content script: ${kb(content?.raw ?? 0)} raw, ${kb(content?.gzip ?? 0)} gzip (budget ${kb(CONTENT_SCRIPT_BUDGET_GZIP)})`,
    );
    expect(content?.gzip).toBeLessThanOrEqual(CONTENT_SCRIPT_BUDGET_GZIP);
    // Anything else a page is given (CSS, other scripts) counts too.
    const injectedGzip = sizes.injected.reduce((sum, f) => sum + f.gzip, 0);
    expect(injectedGzip).toBeLessThanOrEqual(CONTENT_SCRIPT_BUDGET_GZIP);
  });

  it('reports the edited steps of anchoring, injected only where needed, on their own line', async () => {
    const sizes = await measureExtensionSizes(EXTENSION_DIR);
    const edited = editedAnchoringOf(sizes);
    expect(edited, `${EDITED_ANCHORING_FILE} was built`).toBeDefined();
    console.info(
      `Edited anchoring (on demand): ${kb(edited?.raw ?? 0)} raw, ${kb(edited?.gzip ?? 0)} gzip (budget ${kb(EDITED_ANCHORING_BUDGET_GZIP)})`,
    );
    expect(edited?.gzip).toBeLessThanOrEqual(EDITED_ANCHORING_BUDGET_GZIP);
    // It is the part that was split off: the fuzzy search is in it, not in the content script.
    const lazy = await readFile(join(EXTENSION_DIR, EDITED_ANCHORING_FILE), 'utf8');
    const content = await readFile(join(EXTENSION_DIR, 'content-script.js'), 'utf8');
    expect(lazy).toContain('flywheelAnchoringEditedStep');
    expect(content).toContain('flywheelAnchoringEditedStep');
    expect(content).not.toContain('Int32Array');
    expect(lazy).toContain('Int32Array');
    expect(dexieMarkersIn(lazy)).toEqual([]);
  });

  it('keeps Dexie out of the content script', async () => {
    const code = await readFile(join(EXTENSION_DIR, 'content-script.js'), 'utf8');
    expect(dexieMarkersIn(code)).toEqual([]);
    // The check can fail: the background, the one database writer, does hold Dexie.
    const background = await readFile(join(EXTENSION_DIR, 'background.js'), 'utf8');
    expect(dexieMarkersIn(background).length).toBeGreaterThan(0);
  });

  it('reports the size of the editor frame page', async () => {
    const { bundles } = await measureExtensionSizes(EXTENSION_DIR);
    const editor = bundles.find((bundle) => bundle.name === 'editor');
    expect(editor, 'editor.html was built').toBeDefined();
    expect(editor?.files.some((f) => f.file.endsWith('.js'))).toBe(true);
    console.info(
      `Editor frame page: ${kb(editor?.raw ?? 0)} raw, ${kb(editor?.gzip ?? 0)} gzip in ${editor?.files.length} files`,
    );
  });
});
