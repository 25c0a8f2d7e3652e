// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { Browser } from 'wxt/browser';
import { createEditedAnchoring } from '@/entrypoints/background/edited-anchoring';
import { createRouter } from '@/entrypoints/background/router';
import { createAnchorer } from '@/utils/anchoring';
import { anchorAllWith, createPartialAnchorer } from '@/utils/anchoring/core';
import { matchEdited } from '@/utils/anchoring/edited';
import type { Selector } from '@/utils/anchoring/types';

const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
const PAGE = 'http://127.0.0.1:8080/policy.html';

function pageSender(tabId: number, documentId?: string, frameId = 0) {
  return {
    id: self.id,
    tab: { id: tabId, url: PAGE } as Browser.tabs.Tab,
    frameId,
    url: PAGE,
    documentId,
  } as Browser.runtime.MessageSender;
}

function setup() {
  const injections: [number, number][] = [];
  const { handlers } = createEditedAnchoring({
    inject: async (tabId, frameId) => void injections.push([tabId, frameId]),
  });
  const route = createRouter(handlers, self);
  const ask = (sender: Browser.runtime.MessageSender) =>
    route({ type: 'loadEditedAnchoring', data: {} }, sender) as Promise<{ injected: boolean }>;
  return { injections, ask };
}

describe('the background injects the edited steps of anchoring', () => {
  it('into the sender’s own tab and frame, once per document', async () => {
    const { injections, ask } = setup();
    expect(await ask(pageSender(4, 'doc-a'))).toEqual({ injected: true });
    expect(await ask(pageSender(4, 'doc-a'))).toEqual({ injected: false });
    // The tab shows another document: it gets its own copy.
    expect(await ask(pageSender(4, 'doc-b'))).toEqual({ injected: true });
    expect(await ask(pageSender(9, 'doc-c'))).toEqual({ injected: true });
    expect(injections).toEqual([
      [4, 0],
      [4, 0],
      [9, 0],
    ]);
  });

  it('for Flywheel’s content script only, not for sub-frames, other extensions or pages', async () => {
    const { injections, ask } = setup();
    await expect(ask(pageSender(4, 'doc-a', 2))).rejects.toThrow('errorForbiddenSender');
    await expect(ask({ ...pageSender(4, 'doc-a'), id: 'other-extension' })).rejects.toThrow(
      'errorForbiddenSender',
    );
    await expect(
      ask({ id: self.id, url: `${self.origin}popup.html` } as Browser.runtime.MessageSender),
    ).rejects.toThrow('errorForbiddenSender');
    expect(injections).toEqual([]);
  });
});

describe('anchoring without the edited steps (the content script’s part)', () => {
  const page = () => {
    document.body.innerHTML =
      '<main><p>Expenses above 200 euros need a receipt from our supplier. Keep it for seven years.</p><p>Taxis are allowed after 22:00 only.</p></main>';
    return document;
  };
  const quote = (exact: string, prefix: string, suffix: string): Selector[] => [
    { type: 'TextQuoteSelector', exact, prefix, suffix },
  ];
  const edited = quote(
    'need a receipt from the supplier',
    'Expenses above 200 euros ',
    '. Keep it',
  );
  const verbatim = quote('Taxis are allowed', '', ' after 22:00');
  const gone = quote('Hotels', '', ' are');

  it('answers verbatim quotes and orphans at once, and waits (undefined) for an edited one', async () => {
    const ranges = await anchorAllWith(page(), [verbatim, edited, gone]);
    expect(ranges[0]?.toString()).toBe('Taxis are allowed');
    expect(ranges[1]).toBeUndefined();
    expect(ranges[2]).toBeNull();
    expect(createPartialAnchorer(page()).locate(edited)).toBeUndefined();
  });

  it('answers as the whole anchorer once given the edited step', async () => {
    const ranges = await anchorAllWith(page(), [verbatim, edited, gone], matchEdited);
    const whole = createAnchorer(page());
    expect(ranges.map((range) => range?.toString() ?? null)).toEqual(
      [verbatim, edited, gone].map((selectors) => whole.anchor(selectors)?.toString() ?? null),
    );
    expect(ranges[1]?.toString()).toBe('need a receipt from our supplier');
  });
});
