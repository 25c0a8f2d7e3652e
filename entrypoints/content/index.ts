import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { isPageCommand, sendMessage } from '@/utils/messaging';
import { createEditorFrame } from './editor-frame';
import { mountLauncher } from './launcher';
import { captureSelection } from './selection';

interface FlywheelGlobal {
  /** The running instance, so a second injection (from the popup) defers to it. */
  flywheelContext?: ContentScriptContext;
  /** Set by the popup before injecting: the person asked for the widget on this page only. */
  flywheelOnDemand?: boolean;
}

export default defineContentScript({
  registration: 'runtime',
  main(ctx) {
    const global = globalThis as FlywheelGlobal;
    if (global.flywheelContext && !global.flywheelContext.isInvalid) return;
    global.flywheelContext = ctx;

    const editor = createEditorFrame(ctx);

    async function openWidget() {
      const target = captureSelection(document);
      await sendMessage('openEditor', { title: document.title, ...target });
      editor.open();
    }

    if (!global.flywheelOnDemand) mountLauncher(ctx, () => void openWidget());

    const onCommand = (message: unknown, sender: { id?: string }) => {
      if (sender.id !== browser.runtime.id || !isPageCommand(message)) return undefined;
      if (message.command === 'showEditor') return openWidget().then(() => true);
      editor.close();
      return Promise.resolve(true);
    };
    browser.runtime.onMessage.addListener(onCommand);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onCommand));
  },
});
