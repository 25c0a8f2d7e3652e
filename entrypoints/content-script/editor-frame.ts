import { browser } from 'wxt/browser';
import { label } from './labels';
import type { PageContext } from './page-context';
import { createProtectedHost, type ProtectedHost } from './protected-host';

const FRAME_CSS = `
  :host { all: initial; }
  iframe {
    width: 100%; height: 100%; border: 1px solid #cbd5e1; border-radius: 12px;
    background: Canvas; color-scheme: light dark; box-shadow: 0 8px 32px rgb(0 0 0 / 0.3);
  }
`;

export interface EditorFrame {
  /** Shows the editor frame with the capability the background issued for this page. */
  open(capability: string): void;
  close(): void;
  isOpen(): boolean;
}

/**
 * The editor is an extension page framed into the page: what a person types there is out of
 * reach of the page's scripts and key listeners. Its address carries the one-time capability
 * (in the fragment, so it never reaches a server); the frame sits in a closed shadow root, so
 * the page cannot read it.
 */
export function createEditorFrame(
  page: PageContext,
  events: {
    onClose: () => void;
    /** The frame loaded something we did not ask for (or reloaded after a page moved it). */
    onReplaced: () => void;
  },
): EditorFrame {
  let mounted: ProtectedHost | null = null;
  let frame: HTMLIFrameElement | null = null;
  let returnFocusTo: Element | null = null;
  let expectedLoads = 0;

  function show(target: HTMLIFrameElement, capability: string) {
    expectedLoads++;
    target.src = `${browser.runtime.getURL('/editor.html')}#${capability}`;
  }

  function open(capability: string) {
    if (mounted) {
      // A new frame, not a new address for the old one: only the fragment would change, and
      // that is no new document.
      frame?.remove();
      expectedLoads = 0;
      mounted.root.append(newFrame(capability));
      return;
    }
    returnFocusTo = document.activeElement;
    mounted = createProtectedHost(
      page,
      'editor',
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
    mounted.root.append(newFrame(capability));
  }

  function newFrame(capability: string): HTMLIFrameElement {
    const created = document.createElement('iframe');
    frame = created;
    created.title = label('editorFrameTitle');
    // A frame's parent may navigate it even across origins (`frames[0].location = …`), and a
    // page that detaches our host makes the frame reload when it is put back. Either way the
    // document in it is no longer the one the capability was issued to: a load we did not
    // start takes the frame down, and a fresh one (with a fresh capability) is asked for.
    page.listen(created, 'load', () => {
      if (created !== frame) return;
      if (expectedLoads > 0) {
        expectedLoads--;
        created.focus();
        return;
      }
      close();
      events.onReplaced();
    });
    // The address is set before the frame is in the document: no about:blank load in between.
    show(created, capability);
    return created;
  }

  function close() {
    const wasOpen = mounted !== null;
    mounted?.remove();
    mounted = null;
    frame = null;
    expectedLoads = 0;
    if (!wasOpen) return;
    if (returnFocusTo instanceof HTMLElement) returnFocusTo.focus();
    returnFocusTo = null;
    events.onClose();
  }

  // Escape in the page (the editor handles its own): only a person's key press counts.
  page.listen(window, 'keydown', (event) => {
    if (event.key === 'Escape' && mounted) close();
  });

  return { open, close, isOpen: () => mounted !== null };
}
