// @vitest-environment happy-dom
// The editor frame's first script: it asks for the editor's state with the capability from
// the address's fragment, takes the capability out of the address, and hands both to main.tsx
// once; a refusal from the background (through webextension-polyfill) becomes an error.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEarlyLoad, takeEarlyLoad } from '@/entrypoints/editor/early-load';

function fakeChrome(answer: (message: unknown) => Promise<unknown>) {
  const sent: unknown[] = [];
  vi.stubGlobal('browser', undefined);
  vi.stubGlobal('chrome', {
    runtime: {
      id: 'flywheel',
      sendMessage: (message: unknown) => {
        sent.push(message);
        return answer(message);
      },
    },
  });
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
  takeEarlyLoad();
});

describe("the editor frame's early load", () => {
  it('asks with the fragment’s capability, takes it out of the address, and hands it over once', async () => {
    history.replaceState(null, '', '/editor.html#cap-123');
    const sent = fakeChrome(async () => ({ draftId: 'd1', syncState: 'synced' }));
    startEarlyLoad();
    expect(location.hash).toBe('');
    expect(location.pathname).toBe('/editor.html');
    expect(sent).toEqual([{ type: 'loadEditor', data: { capability: 'cap-123' } }]);
    const early = takeEarlyLoad();
    expect(early?.capability).toBe('cap-123');
    expect(await early?.state).toEqual({ draftId: 'd1', syncState: 'synced' });
    expect(takeEarlyLoad()).toBeUndefined();
  });

  it('turns a refusal the polyfill sends to a native caller into an error', async () => {
    history.replaceState(null, '', '/editor.html#stolen');
    fakeChrome(async () => ({
      __mozWebExtensionPolyfillReject__: true,
      message: 'errorNoEditorSession',
    }));
    startEarlyLoad();
    await expect(takeEarlyLoad()?.state).rejects.toThrow('errorNoEditorSession');
  });

  it('does nothing after main.tsx took the capability first (the script is async)', () => {
    history.replaceState(null, '', '/editor.html');
    const sent = fakeChrome(async () => ({}));
    startEarlyLoad();
    expect(sent).toEqual([]);
    expect(takeEarlyLoad()).toBeUndefined();
  });
});
