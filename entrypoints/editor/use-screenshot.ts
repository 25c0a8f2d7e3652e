// The editor's screenshot: attached, blacked out and removed by asking the background, which
// keeps it with the draft (the frame only shows it).
import { useState } from 'preact/hooks';
import { describeError } from '@/utils/shared/i18n';
import { type EditorState, sendMessage } from '@/utils/shared/messaging';
import type { Rect, ScreenshotDraft } from '@/utils/shared/screenshot';

export function useScreenshot(capability: string, state: EditorState) {
  const [screenshot, setScreenshot] = useState<ScreenshotDraft | undefined>(state.screenshot);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (request: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await request();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const draftId = state.draftId;
  return {
    screenshot,
    busy,
    error,
    onAttach: () =>
      void run(async () =>
        setScreenshot(await sendMessage('captureScreenshot', { capability, draftId })),
      ),
    onRemove: () =>
      void run(async () => {
        await sendMessage('removeScreenshot', { capability, draftId });
        setScreenshot(undefined);
      }),
    onMasksChange: (masks: Rect[]) => {
      if (!screenshot) return;
      // Shown at once; kept with the draft in the background.
      setScreenshot({ ...screenshot, masks });
      void run(async () => {
        await sendMessage('saveScreenshotMasks', { capability, draftId, masks });
      });
    },
  };
}
