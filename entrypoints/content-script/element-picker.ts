import { label } from './labels';
import type { Overlay } from './overlay';
import type { PageContext } from './page-context';
import { isInsideFlywheelUi } from './protected-host';

/** What a suggestion can be about as a whole: a row rather than its cell, a field, an image. */
const PICKABLE =
  'tr,li,dt,dd,p,h1,h2,h3,h4,h5,h6,pre,blockquote,figure,img,picture,video,canvas,svg,input,select,textarea,button,label,fieldset,table';

/** The element a person pointing at `target` means, or null outside the page's content. */
export function pickableAncestor(target: EventTarget | null): Element | null {
  if (!(target instanceof Element) || isInsideFlywheelUi(target)) return null;
  const element = target.closest(PICKABLE);
  return element?.ownerDocument.body.contains(element) ? element : null;
}

const STEPS: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

/**
 * Element pick mode: the element under the pointer is outlined and a click picks it; arrow keys
 * or Tab move the outline between candidates and Enter picks; Escape cancels (null). Until it
 * ends, the page sees none of these clicks and keys.
 */
export function pickElement(page: PageContext, overlay: Overlay): Promise<Element | null> {
  return new Promise((resolve) => {
    const controller = new AbortController();
    const options = { capture: true, signal: controller.signal };
    let current: Element | null = null;

    const finish = (picked: Element | null) => {
      if (controller.signal.aborted) return;
      controller.abort();
      overlay.outline(null);
      overlay.hideTip();
      resolve(picked);
    };
    page.onInvalidated(() => finish(null));
    const show = (element: Element, scroll: boolean) => {
      current = element;
      if (scroll) element.scrollIntoView({ block: 'nearest' });
      overlay.outline(element.getBoundingClientRect());
    };
    const swallow = (event: Event) => {
      event.preventDefault();
      event.stopImmediatePropagation();
    };

    page.listen(
      window,
      'pointermove',
      (event) => {
        const element = pickableAncestor(event.target);
        if (element && element !== current) show(element, false);
      },
      options,
    );
    for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup']) {
      page.listen(
        window,
        type,
        (event) => !isInsideFlywheelUi(event.target as Node) && swallow(event),
        options,
      );
    }
    page.listen(
      window,
      'click',
      (event) => {
        // A click on Flywheel's own controls ends pick mode and does what it says.
        if (isInsideFlywheelUi(event.target as Node)) return finish(null);
        swallow(event);
        finish(pickableAncestor(event.target) ?? current);
      },
      options,
    );
    page.listen(
      window,
      'keydown',
      (event) => {
        if (!(event instanceof KeyboardEvent)) return;
        const step = event.key === 'Tab' ? (event.shiftKey ? -1 : 1) : (STEPS[event.key] ?? 0);
        if (event.key === 'Escape') finish(null);
        else if (event.key === 'Enter') {
          if (current) finish(current);
        } else if (step) {
          const candidates = [...document.body.querySelectorAll(PICKABLE)].filter(
            (element) => !isInsideFlywheelUi(element) && element.getClientRects().length > 0,
          );
          let index = current ? candidates.indexOf(current) : -1;
          index =
            index < 0
              ? candidates.findIndex((element) => element.getBoundingClientRect().bottom > 0)
              : (index + step + candidates.length) % candidates.length;
          const next = candidates[index];
          if (next) show(next, true);
        } else return;
        swallow(event);
      },
      options,
    );
    page.listen(
      window,
      'scroll',
      () => current && overlay.outline(current.getBoundingClientRect()),
      { capture: true, passive: true, signal: controller.signal },
    );
    overlay.showTip(
      new DOMRect(innerWidth / 2 - 160, 8, 0, 0),
      [label('pickElementHint')],
      'status',
    );
  });
}
