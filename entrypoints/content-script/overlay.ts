import type { PageContext } from './page-context';
import { createProtectedHost, type ProtectedHost } from './protected-host';

// Everything drawn over the page (hints, pick outline, fallback highlight boxes) lives in one
// protected host: fixed at the viewport's corner, zero-sized, never catching the pointer. Only
// Flywheel's own UI text is ever shown here, never a suggestion's or a draft's.
const OVERLAY_CSS = `
  :host { all: initial; }
  div { position: fixed; box-sizing: border-box; pointer-events: none; margin: 0; }
  [hidden] { display: none; }
  .tip {
    max-width: min(320px, calc(100vw - 16px)); padding: 8px 10px; border-radius: 8px;
    font: 13px/1.4 system-ui, sans-serif; color: #f8fafc; background: #1e293b;
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.3); white-space: pre-wrap; overflow-wrap: anywhere;
  }
  .tip span + span { display: block; margin-top: 4px; font-weight: 600; color: #fde68a; }
  .outline { outline: 3px solid #1d4ed8; outline-offset: 2px; background: rgb(29 78 216 / 0.1); }
  .mark { background: rgb(250 204 21 / 0.4); mix-blend-mode: multiply; }
  .mark.current { background: rgb(245 158 11 / 0.6); }
`;

export interface Overlay {
  /** Shows lines of text (as text, never markup) next to `near`, below it if there is room. */
  showTip(near: DOMRect, lines: string[], role?: 'tooltip' | 'status'): void;
  hideTip(): void;
  /** Outlines a box on the page, or hides the outline for null. */
  outline(rect: DOMRect | null): void;
  /** Highlight boxes, for browsers without the CSS Custom Highlight API. */
  marks(rects: DOMRect[], current: DOMRect[]): void;
}

function place(box: HTMLElement, rect: DOMRect) {
  box.style.left = `${rect.left}px`;
  box.style.top = `${rect.top}px`;
  box.style.width = `${rect.width}px`;
  box.style.height = `${rect.height}px`;
}

export function createOverlay(page: PageContext): Overlay {
  let mounted: { host: ProtectedHost; tip: HTMLElement; outline: HTMLElement } | null = null;
  let marks: HTMLElement[] = [];

  // Made on first use: a page without suggestions gets no extra element.
  function parts() {
    if (!mounted) {
      const host = createProtectedHost(
        page,
        'overlay',
        {
          position: 'fixed',
          top: '0',
          left: '0',
          width: '0',
          height: '0',
          overflow: 'visible',
          'z-index': '2147483645',
          display: 'block',
          visibility: 'visible',
          opacity: '1',
          margin: '0',
          'pointer-events': 'none',
        },
        OVERLAY_CSS,
      );
      const tip = document.createElement('div');
      tip.className = 'tip';
      tip.hidden = true;
      const outline = document.createElement('div');
      outline.className = 'outline';
      outline.hidden = true;
      host.root.append(outline, tip);
      mounted = { host, tip, outline };
    }
    return mounted;
  }

  return {
    showTip(near, lines, role = 'tooltip') {
      const { tip } = parts();
      tip.setAttribute('role', role);
      tip.replaceChildren(
        ...lines.map((line) => {
          const span = document.createElement('span');
          span.textContent = line;
          return span;
        }),
      );
      tip.hidden = false;
      const { width, height } = tip.getBoundingClientRect();
      const below = near.bottom + 6;
      const top = below + height <= innerHeight ? below : Math.max(4, near.top - 6 - height);
      tip.style.top = `${top}px`;
      tip.style.left = `${Math.max(4, Math.min(near.left, innerWidth - width - 4))}px`;
    },
    hideTip() {
      if (mounted) mounted.tip.hidden = true;
    },
    outline(rect) {
      const { outline } = parts();
      outline.hidden = !rect;
      if (rect) place(outline, rect);
    },
    marks(rects, current) {
      for (const mark of marks) mark.remove();
      if (rects.length === 0 && !mounted) return;
      const { host } = parts();
      marks = [...rects, ...current].map((rect, i) => {
        const mark = document.createElement('div');
        mark.className = i < rects.length ? 'mark' : 'mark current';
        place(mark, rect);
        return mark;
      });
      host.root.prepend(...marks);
    },
  };
}
