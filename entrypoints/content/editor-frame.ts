import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { label } from './labels';
import { createProtectedHost, type ProtectedHost } from './protected-host';

const FRAME_CSS = `
  :host { all: initial; }
  iframe {
    width: 100%; height: 100%; border: 1px solid #cbd5e1; border-radius: 12px;
    background: Canvas; color-scheme: light dark; box-shadow: 0 8px 32px rgb(0 0 0 / 0.3);
  }
`;

/**
 * The editor is an extension page framed into the page: what a person types there is out of
 * reach of the page's scripts and key listeners.
 */
export function createEditorFrame(ctx: ContentScriptContext, onClose: () => void) {
  let mounted: ProtectedHost | null = null;
  let frame: HTMLIFrameElement | null = null;
  let returnFocusTo: Element | null = null;

  function open() {
    if (mounted && frame) {
      // Reload so the editor shows the draft the background now has for this page.
      frame.src = browser.runtime.getURL('/editor.html');
      frame.focus();
      return;
    }
    returnFocusTo = document.activeElement;
    mounted = createProtectedHost(
      ctx,
      'flywheel-editor',
      {
        position: 'fixed',
        right: '16px',
        bottom: '64px',
        width: 'min(400px, calc(100vw - 32px))',
        height: 'min(500px, calc(100vh - 96px))',
        'z-index': '2147483647',
        display: 'block',
        visibility: 'visible',
        opacity: '1',
        margin: '0',
      },
      FRAME_CSS,
    );
    frame = document.createElement('iframe');
    frame.title = label('editorFrameTitle');
    frame.src = browser.runtime.getURL('/editor.html');
    frame.addEventListener('load', () => frame?.focus());
    mounted.root.append(frame);
  }

  function close() {
    mounted?.remove();
    mounted = null;
    frame = null;
    if (returnFocusTo instanceof HTMLElement) returnFocusTo.focus();
    returnFocusTo = null;
    onClose();
  }

  ctx.addEventListener(window, 'keydown', (event) => {
    if (event.key === 'Escape' && mounted) close();
  });

  return { open, close, isOpen: () => mounted !== null };
}
