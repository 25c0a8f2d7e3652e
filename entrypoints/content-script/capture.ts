import { sendMessage } from '@/utils/shared/messaging';
import type { Anchor, EditorFrame } from './editor-frame';
import { pickElement } from './element-picker';
import { label } from './labels';
import type { Overlay } from './overlay';
import type { PageContext } from './page-context';
import { type CapturedTarget, captureElement, captureSelection } from './selection';

const NOTHING: CapturedTarget = { quote: '', selectors: [] };
/** How long a failure message stays beside the launcher. */
const FAILURE_SHOWN_MS = 6_000;

export interface Capture {
  /** Opens the editor on what the person selected (or on the whole page). */
  suggest(target?: CapturedTarget): Promise<void>;
  /** Lets the person pick an element, then opens the editor on it. */
  suggestOnElement(): Promise<void>;
  /** Opens one of the page's suggestions (a mark the person clicked) in the frame. */
  open(id: string, anchor?: Anchor): Promise<void>;
  /** The frame was replaced under us: open the same draft again with a fresh capability. */
  reopen(): Promise<void>;
}

/**
 * From a person's action to an open editor frame: the selection becomes W3C selectors, the
 * background opens a session for this tab and page and hands back the frame's capability.
 * A failure is shown where the person acted, and recorded.
 */
export function createCapture(page: PageContext, overlay: Overlay, editor: EditorFrame): Capture {
  let picking = false;
  let reopenedAt: number[] = [];

  async function failed(where: string, error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    const reason = message === 'errorFrameReplaced' ? label('errorFrameReplaced') : message;
    // Error keys come back as words from the background's locale: see the launcher's labels.
    overlay.showTip(
      new DOMRect(innerWidth - 336, innerHeight - 120, 320, 0),
      [label('errorOpenFailed', reason)],
      'status',
    );
    page.setTimeout(() => overlay.hideTip(), FAILURE_SHOWN_MS);
    // The person has been told already; a log that cannot be written changes nothing for them.
    await sendMessage('reportError', { where, message }).catch(() => undefined);
  }

  async function suggest(target: CapturedTarget = captureSelection(document), anchor?: Anchor) {
    try {
      const { capability } = await sendMessage('openEditor', {
        pageUrl: location.href,
        title: document.title,
        ...target,
      });
      editor.open(capability, anchor);
    } catch (error) {
      await failed('capture/open', error);
    }
  }

  return {
    suggest,
    async suggestOnElement() {
      if (picking) return;
      picking = true;
      try {
        const element = await pickElement(page, overlay);
        if (element) await suggest(captureElement(element), element);
      } catch (error) {
        await failed('capture/pick', error);
      } finally {
        picking = false;
      }
    },
    async open(id, anchor) {
      try {
        const { capability } = await sendMessage('openSuggestion', { pageUrl: location.href, id });
        editor.open(capability, anchor);
      } catch (error) {
        await failed('marks/open', error);
      }
    },
    async reopen() {
      // A page that keeps replacing the frame would make this a loop: a few times, then stop.
      const now = performance.now();
      reopenedAt = [...reopenedAt.filter((t) => now - t < 10_000), now];
      if (reopenedAt.length > 5) return failed('capture/reopen', new Error('errorFrameReplaced'));
      await suggest(NOTHING);
    },
  };
}
