// @vitest-environment happy-dom
import axe from 'axe-core';
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Props, SuggestionView } from '@/components/SuggestionView';
import { t } from '@/utils/shared/i18n';

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

function card(change: Partial<Props> = {}) {
  const props: Props = {
    quote: 'Manager signs form',
    text: 'Let managers sign in the portal',
    status: 'Submitted',
    colleague: { authorName: 'Alex Visser', supportCount: '2', replyCount: '1' },
    replies: [
      { text: 'Yes <i>please</i>', author: 'Sam', age: '2 days ago' },
      { text: 'Mine, on its way', author: 'Kim', age: 'now', sending: true },
    ],
    support: { pressed: false, onToggle: vi.fn(async () => {}) },
    reply: { hint: 'signed', onPost: vi.fn(async () => {}) },
    onClose: () => {},
    ...change,
  };
  render(<SuggestionView {...props} />, container);
  return props;
}

const button = (name: string) =>
  [...container.querySelectorAll('button')].find((b) => b.textContent === name) as
    | HTMLButtonElement
    | undefined;
const replyBox = () => container.querySelector('#reply-text') as HTMLTextAreaElement;
const type = (box: HTMLTextAreaElement, text: string) => {
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true }));
};

describe('the suggestion card', () => {
  it('has a Support toggle that says whether it is pressed, described by the count', () => {
    const props = card();
    const support = button(t('supportLabel'));
    expect(support?.getAttribute('aria-pressed')).toBe('false');
    expect(
      document.getElementById(support?.getAttribute('aria-describedby') ?? '')?.textContent,
    ).toBe('2');
    support?.click();
    expect(props.support?.onToggle).toHaveBeenCalledOnce();
    card({ support: { pressed: true, onToggle: async () => {} } });
    expect(button(t('supportLabel'))?.getAttribute('aria-pressed')).toBe('true');
  });

  it('offers no Support without a colleague (the person’s own suggestion)', () => {
    card({ support: undefined, colleague: undefined });
    expect(button(t('supportLabel'))).toBeUndefined();
    expect(button(t('postReplyLabel'))).toBeDefined();
  });

  it('shows why a support failed', async () => {
    card({
      support: {
        pressed: false,
        onToggle: async () => {
          throw new Error('Not now');
        },
      },
    });
    button(t('supportLabel'))?.click();
    await flush();
    expect(container.querySelector('[role="alert"].error:not(#reply-error)')?.textContent).toBe(
      'Not now',
    );
  });

  it('lists replies as text, the waiting one marked as sending', () => {
    card();
    const items = [...container.querySelectorAll('ul.replies > li')];
    expect(items).toHaveLength(2);
    expect(items[0]?.querySelector('.reply-text')?.textContent).toBe('Yes <i>please</i>');
    expect(container.querySelector('ul.replies i')).toBeNull();
    expect(items[0]?.textContent).not.toContain(t('replySending'));
    expect(items[1]?.textContent).toContain(t('replySending'));
  });

  it('posts a reply, and keeps the text with the reason when it cannot be posted', async () => {
    const onPost = vi.fn(async (_text: string): Promise<void> => {
      throw new Error('Too long for the endpoint');
    });
    card({ reply: { hint: 'signed', onPost } });
    const post = () => button(t('postReplyLabel')) as HTMLButtonElement;
    expect(post().disabled).toBe(true);
    type(replyBox(), 'Same in step 5');
    await flush();
    post().click();
    await flush();
    expect(onPost).toHaveBeenCalledExactlyOnceWith('Same in step 5');
    expect(replyBox().value).toBe('Same in step 5');
    expect(container.querySelector('#reply-error')?.textContent).toBe('Too long for the endpoint');

    onPost.mockImplementation(async () => {});
    post().click();
    await flush();
    expect(replyBox().value).toBe('');
  });

  it('says at once that a reply is too long, and will not post it', async () => {
    const props = card();
    type(replyBox(), 'x'.repeat(10_001));
    await flush();
    expect(container.querySelector('#reply-error')?.textContent).toBe(t('errorReplyTooLong'));
    expect(replyBox().getAttribute('aria-invalid')).toBe('true');
    expect(button(t('postReplyLabel'))?.disabled).toBe(true);
    expect(props.reply?.onPost).not.toHaveBeenCalled();
  });

  it('has no accessibility violations (axe)', async () => {
    card();
    const results = await axe.run(container, { resultTypes: ['violations'] });
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(results.passes.length).toBeGreaterThan(0);
  });
});
