import { browser } from 'wxt/browser';
import { label } from './labels';
import type { PageContext } from './page-context';
import { createProtectedHost, type ProtectedHost } from './protected-host';

const FRAME_CSS = `
  :host { all: initial; }
  iframe {
    box-sizing: border-box; width: 100%; height: 100%; border: 1px solid #cbd5e1; border-radius: 12px;
    background: Canvas; color-scheme: light dark; box-shadow: 0 8px 32px rgb(0 0 0 / 0.3);
  }
`;

/** What the editor is about on the page: it is placed clear of this. */
export type Anchor = { getBoundingClientRect(): DOMRect } | null;

/** The gap to the text the editor is about, and to the viewport's edges. */
const GAP = 8;
const EDGE = 16;

/** The current selection, if there is one. */
function selected(): Anchor {
  const selection = getSelection();
  return selection && selection.rangeCount > 0 && !selection.isCollapsed
    ? selection.getRangeAt(0)
    : null;
}

export interface EditorFrame {
  /**
   * Shows the editor frame with the capability the background issued for this page, clear of
   * what it is about (the selection unless told).
   */
  open(capability: string, anchor?: Anchor): void;
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
  let anchor: Anchor = null;
  /** The editor's own height, as it last said (until it does, a guess). */
  let height = 360;
  /** Below, above, right or left of its text (0 to 3). */
  let lastSide = 0;

  /**
   * Below the text it is about, else above, beside it, or where there is most room; never over
   * it, always within the viewport. Without a text, above the launcher in the corner.
   */
  function place() {
    if (!mounted) return;
    const width = Math.min(400, innerWidth - 2 * EDGE);
    const r = anchor?.getBoundingClientRect() ?? new DOMRect(innerWidth, innerHeight - 56);
    const tall = innerHeight - 2 * EDGE;
    // The room below, above, right and left of it.
    const room = [
      innerHeight - EDGE - GAP - r.bottom,
      r.top - GAP - EDGE,
      innerWidth - EDGE - GAP - r.right,
      r.left - GAP - EDGE,
    ].map((n) => Math.max(0, n));
    const size = (side: number) => [
      side < 2 ? width : Math.min(width, room[side] as number),
      Math.min(height, side < 2 ? (room[side] as number) : tall),
    ];
    const area = (side: number) => (size(side)[0] as number) * (size(side)[1] as number);
    // Only a side with all the room the editor wants has its whole area. The side it is on
    // wins a tie, so it does not jump about as it grows and shrinks; else the first such.
    let side = anchor ? lastSide : 1;
    if (anchor) for (let i = 0; i < 4; i++) if (area(i) > area(side)) side = i;
    lastSide = side;
    const [w = 0, h = 0] = size(side);
    const clamp = (n: number, max: number) => Math.max(EDGE, Math.min(n, max));
    mounted.restyle({
      left: `${clamp(side === 2 ? r.right + GAP : side === 3 ? r.left - GAP - w : r.left, innerWidth - EDGE - w)}px`,
      top: `${clamp(side === 0 ? r.bottom + GAP : side === 1 ? r.top - GAP - h : r.top, innerHeight - EDGE - h)}px`,
      width: `${w}px`,
      height: `${h}px`,
    });
  }

  function show(target: HTMLIFrameElement, capability: string) {
    expectedLoads++;
    target.src = `${browser.runtime.getURL('/editor.html')}#${capability}`;
  }

  function open(capability: string, at: Anchor = selected()) {
    anchor = at;
    lastSide = 0;
    if (mounted) {
      // A new frame, not a new address for the old one: only the fragment would change, and
      // that is no new document.
      frame?.remove();
      expectedLoads = 0;
    } else {
      returnFocusTo = document.activeElement;
      mounted = createProtectedHost(
        page,
        'editor',
        {
          position: 'fixed',
          'z-index': '2147483647',
          display: 'block',
          visibility: 'visible',
          opacity: '1',
          margin: '0',
        },
        FRAME_CSS,
      );
    }
    mounted.root.append(newFrame(capability));
    place();
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
        // A channel of its own for the editor to say how tall it is: the page cannot post to it
        // (nor hear it), and what comes is a number within bounds or nothing.
        const channel = new MessageChannel();
        channel.port1.onmessage = ({ data }) => {
          if (created !== frame || typeof data !== 'number' || !(data > 0)) return;
          // Its border adds 2 pixels.
          height = Math.min(Math.max(data, 80), 2_000) + 2;
          place();
        };
        // Any origin: in Chromium the frame's origin is not the per-session address it was
        // loaded from. Only a load we started gets here, so the document is the editor.
        created.contentWindow?.postMessage('', '*', [channel.port2]);
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

  // Kept clear of its text when the page (or a part of it) scrolls or the window changes size.
  page.listen(document, 'scroll', place, { capture: true, passive: true });
  page.listen(window, 'resize', place);

  // Escape in the page (the editor handles its own): only a person's key press counts.
  page.listen(window, 'keydown', (event) => {
    if (event.key === 'Escape' && mounted) close();
  });

  return { open, close, isOpen: () => mounted !== null };
}
