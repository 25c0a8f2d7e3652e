// The content script: what runs in intranet pages. It only lists the page capabilities and
// starts each on its own; one that throws is recorded and the others still run. Nothing of a
// suggestion's or a draft's text ever reaches this script: the page gets neutral marks only.
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { parsePageCommand, sendMessage } from '@/utils/shared/messaging';
import { type Capture, createCapture } from './capture';
import { createEditorFrame } from './editor-frame';
import { createHighlighter } from './highlighter';
import { loadPageLabels } from './labels';
import { mountLauncher } from './launcher';
import { mountNavigator } from './navigator';
import { createOverlay } from './overlay';
import { createPageContext, type PageContext } from './page-context';
import { type PageMarks, startPageMarks } from './page-marks';

interface FlywheelGlobal {
  /** The running instance (in this isolated world), so a second injection defers to it. */
  flywheelPage?: PageContext;
  /** Set by the popup before injecting: the person asked for the editor on this page only. */
  flywheelOnDemand?: boolean;
}

/** Runs one capability; its failure is recorded and stops nothing else. */
function start(id: string, run: () => unknown): void {
  try {
    const result = run();
    if (result instanceof Promise) result.catch((error: unknown) => report(id, error));
  } catch (error) {
    report(id, error);
  }
}

function report(id: string, error: unknown) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // If even the background cannot be told, the console is all that is left.
  sendMessage('reportError', { where: id, message }).catch(() => console.error(id, error));
}

/**
 * Resolves once the page has fired its load event (at once if it already has), or after a few
 * seconds on a page whose load never ends (a hanging image, a long poll).
 */
function afterPageLoad(page: PageContext): Promise<void> {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    // Only the browser's own load event counts (a page may dispatch one of its own).
    page.listen(window, 'load', () => resolve());
    page.setTimeout(resolve, 3_000);
  });
}

// An unlisted script, not a WXT content script: the background registers it for the sites
// (and injects it from the toolbar button), and WXT's content-script context, which a page can
// invalidate with a forged event and which announces the extension's id, is left out.
export default defineUnlistedScript({
  main() {
    const global = globalThis as FlywheelGlobal;
    if (global.flywheelPage && !global.flywheelPage.isInvalid) return;
    const page = createPageContext();
    global.flywheelPage = page;

    const overlay = createOverlay(page);
    let capture: Capture | undefined;
    let marks: PageMarks | undefined;
    const editor = createEditorFrame(page, {
      // Closing the editor may have submitted a suggestion: mark it on the page.
      onClose: () => marks?.reload(),
      onReplaced: () => void capture?.reopen(),
    });
    capture = createCapture(page, overlay, editor);
    const { suggest, suggestOnElement, open } = capture;

    start('marks', () => {
      marks = startPageMarks(page, createHighlighter(page, overlay), (id, at) => void open(id, at));
    });

    start('page-commands', () => {
      // Answered with sendResponse: the browser's own API (see native-browser.ts) does not take
      // a Promise from a listener. Only the background (our own extension) sends these.
      const onCommand = (
        message: unknown,
        sender: { id?: string },
        sendResponse: (response: boolean) => void,
      ) => {
        const command = sender.id === browser.runtime.id ? parsePageCommand(message) : null;
        if (!command) return undefined;
        if (command.command === 'showEditor') {
          suggest().then(() => sendResponse(true));
          return true;
        }
        // The page's marks changed: asked for again (ids and selectors, never their text).
        if (command.command === 'marksChanged') marks?.reload();
        else editor.close();
        sendResponse(true);
        return undefined;
      };
      browser.runtime.onMessage.addListener(onCommand);
      page.onInvalidated(() => browser.runtime.onMessage.removeListener(onCommand));
    });

    if (global.flywheelOnDemand) return;
    start('launcher', async () => {
      // Mounted after the page's own load, once its text has arrived by message (no
      // synchronous i18n call): the page's load event never waits for Flywheel.
      await afterPageLoad(page);
      await loadPageLabels();
      if (page.isInvalid) return;
      const { bar } = mountLauncher(
        page,
        () => void suggest(),
        () => void suggestOnElement(),
      );
      if (marks) {
        const found = marks;
        start('navigator', () => mountNavigator(page, bar, found));
      }
    });
  },
});
