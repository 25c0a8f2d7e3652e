// Marks Flywheel's own elements, so anchoring and selection capture ignore them.
import { UI_HOST_ATTRIBUTE } from '@/utils/anchoring/core';
import type { PageContext } from './page-context';

export interface ProtectedHost {
  host: HTMLElement;
  root: ShadowRoot;
  remove(): void;
  /** Flywheel's own change of the host's style (its place, its size): kept, not repaired. */
  restyle(style: Record<string, string>): void;
}

/**
 * A host element for Flywheel's UI in a page, built to survive a hostile or careless page:
 * a closed shadow root (page scripts and selectors cannot reach in), host styles set as
 * `!important` inline declarations (page style sheets cannot override them), and a watcher that
 * puts the host back if the page removes or restyles it.
 *
 * The host is a plain `div`, never a custom element name: a page could define that name first
 * and run its own code in our host (or take its shadow root before we do).
 */
export function createProtectedHost(
  page: PageContext,
  name: string,
  hostStyle: Record<string, string>,
  css: string,
): ProtectedHost {
  const host = document.createElement('div');
  host.setAttribute(UI_HOST_ATTRIBUTE, name);
  // Compared as the browser serialises it, so our own repairs never look like tampering.
  let intendedStyle = '';
  // Always the whole style, written afresh: a page's change made just before is not kept.
  const restyle = (change: Record<string, string>) => {
    Object.assign(hostStyle, change);
    host.style.cssText = '';
    for (const [property, value] of Object.entries(hostStyle)) {
      host.style.setProperty(property, value, 'important');
    }
    intendedStyle = host.style.cssText;
  };
  restyle({});
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = css;
  root.append(style);
  document.documentElement.append(host);

  // A page that keeps fighting back wins eventually; an endless loop would hurt the person more.
  let repairsLeft = 50;
  let removed = false;
  const repair = () => {
    if (removed || repairsLeft <= 0) return;
    if (!host.isConnected) {
      repairsLeft--;
      document.documentElement.append(host);
    }
    if (host.hasAttribute('hidden') || host.style.cssText !== intendedStyle) {
      repairsLeft--;
      host.removeAttribute('hidden');
      host.style.cssText = intendedStyle;
    }
  };
  const observer = new MutationObserver(repair);
  observer.observe(document.documentElement, { childList: true });
  observer.observe(host, { attributes: true });

  const remove = () => {
    removed = true;
    observer.disconnect();
    host.remove();
  };
  page.onInvalidated(remove);
  return { host, root, remove, restyle };
}

export function isInsideFlywheelUi(node: Node | null): boolean {
  const element = node instanceof Element ? node : (node?.parentElement ?? null);
  return element?.closest(`[${UI_HOST_ATTRIBUTE}]`) != null;
}
