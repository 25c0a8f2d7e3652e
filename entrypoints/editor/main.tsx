import '@/components/styles.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { FatalError } from '@/components/FatalError';
import { type EditorValues, SuggestionEditor } from '@/components/SuggestionEditor';
import { SuggestionView } from '@/components/SuggestionView';
import { describeError, inWords } from '@/utils/shared/i18n';
import { type EditorState, sendMessage } from '@/utils/shared/messaging';
import { statusWord } from '@/utils/shared/status-word';
import { createDraftSaver } from '@/utils/ui/draft-saver';

function EditorApp({ state }: { state: EditorState }) {
  const [saveStatus, setSaveStatus] = useState<'idle' | 'saved' | { error: string }>('idle');
  const saver = useMemo(
    () =>
      createDraftSaver<EditorValues>(async (values) => {
        try {
          await sendMessage('saveDraft', { draftId: state.draftId, ...values });
          setSaveStatus('saved');
        } catch (error) {
          setSaveStatus({ error: describeError(error) });
        }
      }),
    [state.draftId],
  );

  useEffect(() => {
    // Typing is never lost: flush the moment the frame is hidden or torn down.
    const flush = () => void saver.flush();
    const onVisibility = () => document.visibilityState === 'hidden' && flush();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', flush);
    };
  }, [saver]);

  const close = async () => {
    await saver.flush();
    await sendMessage('closeEditor', {});
  };

  useEffect(() => {
    // Escape closes the editor wherever focus is in it; the draft is kept.
    const onKeyDown = (event: KeyboardEvent) => event.key === 'Escape' && void close();
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  });

  return (
    <SuggestionEditor
      quote={state.quote}
      initial={{ text: state.text, category: state.category, anonymous: state.anonymous }}
      saveStatus={saveStatus}
      onChange={(values) => saver.schedule(values)}
      onSubmit={async (values) => {
        await saver.flush();
        await inWords(() => sendMessage('submitSuggestion', { draftId: state.draftId, ...values }));
      }}
      onClose={() => void close()}
      onSuggestAnother={() => window.location.reload()}
    />
  );
}

/** A submitted suggestion opened from its highlight on the page: shown, not edited. */
function SuggestionViewApp({ state }: { state: EditorState }) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) =>
      event.key === 'Escape' && void sendMessage('closeEditor', {});
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
  return (
    <SuggestionView
      quote={state.quote}
      text={state.text}
      status={statusWord(state)}
      onClose={() => void sendMessage('closeEditor', {})}
    />
  );
}

async function start() {
  const root = document.getElementById('app');
  if (!root) return;
  document.documentElement.lang = navigator.language;
  try {
    const state = await sendMessage('loadEditor', {});
    render(
      state.syncState === 'draft' ? (
        <EditorApp state={state} />
      ) : (
        <SuggestionViewApp state={state} />
      ),
      root,
    );
  } catch (error) {
    render(<FatalError error={error} />, root);
  }
}

void start();
