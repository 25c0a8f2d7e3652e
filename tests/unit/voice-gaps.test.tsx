// @vitest-environment happy-dom
// The card's new parts (the owner's reply, New, a 412's choice, a refused reply's way out, a
// refused vote's reason) and the sync bar's count of waiting support and replies.
import axe from 'axe-core';
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { type Props, SuggestionView } from '@/components/SuggestionView';
import { syncMessages } from '@/components/SyncStatusBar';
import { t } from '@/utils/shared/i18n';
import type { SyncOverview } from '@/utils/shared/messaging';

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const button = (name: string) =>
  [...container.querySelectorAll('button')].filter((b) => b.textContent === name);

function ownCard(change: Partial<Props> = {}) {
  const props: Props = {
    quote: 'Manager signs form',
    text: 'My edit: sign in the portal',
    status: 'Conflict',
    replies: [],
    own: {
      withdrawn: false,
      onEdit: vi.fn(async () => undefined),
      onWithdraw: vi.fn(async () => undefined),
      conflict: {
        theirsText: 'Changed by the owner',
        theirsStatus: 'Planned',
        onKeep: vi.fn(async () => {}),
      },
    },
    onClose: () => {},
    ...change,
  };
  render(<SuggestionView {...props} />, container);
  return props;
}

describe("the person's own card", () => {
  it("shows the owner's reply and marks the update New", () => {
    ownCard({ own: undefined, status: 'Planned', unread: true, ownerReply: 'Planned for March' });
    const text = container.textContent ?? '';
    expect(text).toContain(t('popupOwnerReply'));
    expect(text).toContain('Planned for March');
    expect(container.querySelector('.unread-mark')?.textContent).toBe(t('popupUnread'));
    ownCard({ own: undefined, status: 'Planned' });
    expect(container.querySelector('.unread-mark')).toBeNull();
    expect(container.textContent).not.toContain(t('popupOwnerReply'));
  });

  it('shows both versions after a 412 and keeps the one chosen', async () => {
    // Messages as `key:substitutions`, so the endpoint's status word can be seen in its line.
    vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(
      (key: string, substitutions?: string | string[]) =>
        substitutions === undefined ? key : `${key}:${[substitutions].flat().join('|')}`,
    );
    const props = ownCard();
    const text = container.querySelector('.conflict')?.textContent ?? '';
    expect(text).toContain('Changed by the owner');
    expect(text).toContain('viewStatus:Planned');
    expect(text).toContain('My edit: sign in the portal');
    button(t('keepTheirs'))[0]?.click();
    await flush();
    expect(props.own?.conflict?.onKeep).toHaveBeenCalledWith('theirs');
    expect(container.querySelector('[role="status"]')?.textContent).toBe(t('keptTheirsNotice'));
    button(t('keepMine'))[0]?.click();
    await flush();
    expect(props.own?.conflict?.onKeep).toHaveBeenCalledWith('mine');
    // The choice made, the card follows: no second choice, the kept text shown.
    ownCard({
      text: 'Changed by the owner',
      status: 'Planned',
      own: { ...props.own, conflict: undefined } as Props['own'],
    });
    expect(container.querySelector('.conflict')).toBeNull();
    await flush();
    expect(container.querySelector('.view-text')?.textContent).toBe('Changed by the owner');
  });

  it('says a withdrawal waits beside the endpoint’s version', () => {
    ownCard({
      own: {
        withdrawn: true,
        onEdit: async () => undefined,
        onWithdraw: async () => undefined,
        conflict: {
          theirsText: 'Planned meanwhile',
          theirsStatus: 'Planned',
          onKeep: async () => {},
        },
      },
    });
    expect(container.querySelector('.conflict')?.textContent).toContain(
      t('conflictYoursWithdrawn'),
    );
    expect(button(t('keepMine'))).toHaveLength(1);
  });

  it('has no accessibility violations with the choice and a refused reply (axe)', async () => {
    ownCard({
      replies: [{ id: 'a', text: 'Refused one', author: 'Sam', age: 'now', failed: 'HTTP 422' }],
      onRetryReply: async () => {},
      onDiscardReply: async () => {},
    });
    const results = await axe.run(container);
    expect(results.violations.map((v) => v.id)).toEqual([]);
  });
});

describe('a refused reply on the card', () => {
  it('offers Try again and Discard for it only, each described by its text', async () => {
    const onRetryReply = vi.fn(async () => {});
    const onDiscardReply = vi.fn(async () => {});
    ownCard({
      own: undefined,
      replies: [
        { text: 'Sent already', author: 'Sam', age: '1 day ago' },
        { id: 'waiting-1', text: 'On its way', author: 'Sam', age: 'now', sending: true },
        { id: 'refused-1', text: 'Refused one', author: 'Sam', age: 'now', failed: 'HTTP 422' },
      ],
      onRetryReply,
      onDiscardReply,
    });
    const [retry] = button(t('replyTryAgainLabel'));
    expect(button(t('replyTryAgainLabel'))).toHaveLength(1);
    expect(button(t('replyDiscardLabel'))).toHaveLength(1);
    expect(
      document.getElementById(retry?.getAttribute('aria-describedby') ?? '')?.textContent,
    ).toBe('Refused one');
    retry?.click();
    await flush();
    expect(onRetryReply).toHaveBeenCalledWith('refused-1');
    button(t('replyDiscardLabel'))[0]?.click();
    await flush();
    expect(onDiscardReply).toHaveBeenCalledWith('refused-1');
    expect(container.querySelector('[role="status"]')?.textContent).toBe(t('replyDiscardedNotice'));
  });
});

describe('a refused vote on the card', () => {
  it('says why beside Support', () => {
    ownCard({
      own: undefined,
      support: { pressed: false, onToggle: async () => {} },
      supportRefused: 'The endpoint no longer has this suggestion.',
    });
    const alert = [...container.querySelectorAll('[role="alert"]')].find((el) =>
      el.textContent?.includes(t('supportRefused')),
    );
    expect(alert).toBeDefined();
    ownCard({ own: undefined, support: { pressed: false, onToggle: async () => {} } });
    expect(container.textContent).not.toContain(t('supportRefused'));
  });
});

// In unit tests t() answers with the key itself: the assertions name the messages.
const overview = (over: Partial<SyncOverview> = {}): SyncOverview => ({
  endpointUrl: 'https://feedback.intranet.example/annotations/',
  status: {} as SyncOverview['status'],
  pending: 0,
  ...over,
});

describe('the sync bar counts waiting support and replies', () => {
  it('as unsent work, in words that say what waits', () => {
    expect(syncMessages(overview({ waiting: 2 }), null, 'en')).toMatchObject({
      message: 'syncPendingVoice',
      detail: 'syncNever',
    });
    expect(syncMessages(overview({ pending: 1, waiting: 2 }), '1 minute ago', 'en')).toMatchObject({
      message: 'syncPendingBoth',
      detail: 'syncLast',
    });
    expect(syncMessages(overview({ pending: 1 }), null, 'en').message).toBe('syncPending');
    expect(syncMessages(overview({ waiting: 0 }), '1 minute ago', 'en').message).toBe(
      'syncAllSent',
    );
  });

  it('offline: that they wait for the endpoint, and how many', () => {
    const offline = overview({ waiting: 1, status: { offline: true } as SyncOverview['status'] });
    expect(syncMessages(offline, null, 'en')).toEqual({
      message: 'syncOfflineVoice',
      tone: 'error',
      detail: 'syncPendingVoice',
    });
  });
});
