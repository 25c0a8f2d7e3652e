import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { isPageCommand, sendMessage } from '@/utils/shared/messaging';
import { createEditorFrame } from './editor-frame';
import { pickElement } from './element-picker';
import { startHighlights } from './highlights';
import { loadPageLabels } from './labels';
import { mountLauncher } from './launcher';
import { createOverlay } from './overlay';
import { type CapturedTarget, captureElement, captureSelection } from './selection';
import { mountSuggestionNavigator } from './suggestion-navigator';

interface FlywheelGlobal {
  /** The running instance, so a second injection (from the popup) defers to it. */
  flywheelContext?: ContentScriptContext;
  /** Set by the popup before injecting: the person asked for the widget on this page only. */
  flywheelOnDemand?: boolean;
}

/**
 * Resolves once the page has fired its load event (at once if it already has), or after a few
 * seconds on a page whose load never ends (a hanging image, a long poll).
 */
function afterPageLoad(ctx: ContentScriptContext): Promise<void> {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    ctx.addEventListener(window, 'load', () => resolve(), { once: true });
    ctx.setTimeout(resolve, 3_000);
  });
}

export default defineContentScript({
  registration: 'runtime',
  main(ctx) {
    const global = globalThis as FlywheelGlobal;
    if (global.flywheelContext && !global.flywheelContext.isInvalid) return;
    global.flywheelContext = ctx;

    const overlay = createOverlay(ctx);
    // Closing the editor may have saved or submitted a suggestion: show it on the page.
    const editor = createEditorFrame(ctx, () => highlights.reload());
    const highlights = startHighlights(ctx, overlay, (id) => {
      void sendMessage('openSuggestion', { id }).then(() => editor.open());
    });

    async function openWidget(target: CapturedTarget = captureSelection(document)) {
      await sendMessage('openEditor', { title: document.title, ...target });
      editor.open();
    }

    let picking = false;
    async function suggestOnElement() {
      if (picking) return;
      picking = true;
      const element = await pickElement(ctx, overlay);
      picking = false;
      if (element) await openWidget(captureElement(element));
    }

    if (!global.flywheelOnDemand) {
      // Mounted after the page's own load, once its text has arrived by message (no
      // synchronous i18n call): the page's load event never waits for Flywheel.
      void afterPageLoad(ctx)
        .then(loadPageLabels)
        .then(() => {
          if (ctx.isInvalid) return;
          const { bar } = mountLauncher(
            ctx,
            () => void openWidget(),
            () => void suggestOnElement(),
          );
          mountSuggestionNavigator(bar, highlights);
        });
    }

    // Answered with sendResponse: the browser's own API (see entrypoints/content/native-browser.ts) does not
    // take a Promise from a listener.
    const onCommand = (
      message: unknown,
      sender: { id?: string },
      sendResponse: (response: boolean) => void,
    ) => {
      if (sender.id !== browser.runtime.id || !isPageCommand(message)) return undefined;
      if (message.command === 'showEditor') {
        openWidget().then(
          () => sendResponse(true),
          () => sendResponse(false),
        );
        return true;
      }
      editor.close();
      sendResponse(true);
      return undefined;
    };
    browser.runtime.onMessage.addListener(onCommand);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onCommand));
  },
});
