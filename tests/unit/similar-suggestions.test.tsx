// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import axe from 'axe-core';
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SimilarItem, SimilarSuggestions } from '@/components/SimilarSuggestions';
import { t } from '@/utils/shared/i18n';

const english = JSON.parse(readFileSync('public/_locales/en/messages.json', 'utf8')) as Record<
  string,
  { message: string }
>;

const items: SimilarItem[] = [
  {
    id: 'a',
    text: 'Allow leave requests for <b>half</b> days <img src=x onerror=alert(1)>',
    supportCount: 3,
    supported: false,
    samePage: true,
  },
  { id: 'b', text: 'Show my leave balance', supportCount: 0, supported: true, samePage: false },
];

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
});

const list = () => container.querySelector('ul') as HTMLUListElement;
const labelOf = (element: Element) =>
  document.getElementById(element.getAttribute('aria-labelledby') ?? '')?.textContent;

describe('SimilarSuggestions', () => {
  it('is a list named by its heading, "Similar suggestions" in English', () => {
    render(<SimilarSuggestions items={items} onSupport={() => {}} />, container);
    expect(labelOf(list())).toBe(t('similarHeading'));
    // Under the test browser t() may give the key; the English words come from the locale file.
    expect(english.similarHeading?.message).toBe('Similar suggestions');
    expect(english.similarSupport?.message).toBe('Support');
    expect(list().querySelectorAll(':scope > li')).toHaveLength(2);
  });

  it('shows each text as text, never as markup, with its support count', () => {
    render(<SimilarSuggestions items={items} onSupport={() => {}} />, container);
    const [first, second] = list().querySelectorAll('li');
    expect(first?.querySelector('.text')?.textContent).toBe(items[0]?.text);
    expect(container.querySelector('b, img')).toBeNull();
    expect(first?.querySelector('.support-count')?.textContent).toBe(t('similarSupportCount', '3'));
    expect(second?.querySelector('.support-count')?.textContent).toBe(t('similarNoSupportYet'));
    expect(first?.querySelector('.where')?.textContent).toBe(t('similarOnThisPage'));
    expect(second?.querySelector('.where')?.textContent).toBe(t('similarElsewhereOnSite'));
  });

  it('has a Support toggle per item, pressed when supported, described by its text', () => {
    const onSupport = vi.fn();
    render(<SimilarSuggestions items={items} onSupport={onSupport} />, container);
    const buttons = [...list().querySelectorAll('button.support')];
    expect(buttons.map((b) => b.textContent)).toEqual([t('similarSupport'), t('similarSupport')]);
    expect(buttons.map((b) => b.getAttribute('aria-pressed'))).toEqual(['false', 'true']);
    expect(
      document.getElementById(buttons[1]?.getAttribute('aria-describedby') ?? '')?.textContent,
    ).toBe('Show my leave balance');
    (buttons[1] as HTMLButtonElement).click();
    expect(onSupport).toHaveBeenCalledExactlyOnceWith('b');
  });

  it("offers no Support for the person's own suggestion, and says it is theirs", () => {
    const own: SimilarItem = { ...items[1], id: 'c', own: true } as SimilarItem;
    render(
      <SimilarSuggestions items={[items[0] as SimilarItem, own]} onSupport={() => {}} />,
      container,
    );
    const [first, second] = list().querySelectorAll('li');
    expect(first?.querySelector('button.support')).not.toBeNull();
    expect(second?.querySelector('button.support')).toBeNull();
    expect(second?.querySelector('.own')?.textContent).toBe(t('similarYours'));
  });

  it('opens a suggestion from its text only when the editor offers it', () => {
    render(<SimilarSuggestions items={items} onSupport={() => {}} />, container);
    expect(list().querySelectorAll('button')).toHaveLength(2);
    const onOpen = vi.fn();
    render(<SimilarSuggestions items={items} onSupport={() => {}} onOpen={onOpen} />, container);
    (list().querySelector('button.text') as HTMLButtonElement).click();
    expect(onOpen).toHaveBeenCalledExactlyOnceWith('a');
  });

  it('renders nothing when nothing is similar', () => {
    render(<SimilarSuggestions items={[]} onSupport={() => {}} />, container);
    expect(container.innerHTML).toBe('');
  });

  it('has no accessibility violations (axe)', async () => {
    render(<SimilarSuggestions items={items} onSupport={() => {}} onOpen={() => {}} />, container);
    const results = await axe.run(container, { resultTypes: ['violations'] });
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(results.passes.length + results.incomplete.length).toBeGreaterThan(0);
  });

  it('would be told by axe here of a Support button without a name (axe works in happy-dom)', async () => {
    render(
      <ul aria-labelledby="nowhere">
        <li>
          <button type="button" aria-pressed="false" />
        </li>
      </ul>,
      container,
    );
    const results = await axe.run(container, { resultTypes: ['violations'] });
    expect(results.violations.map((v) => v.id)).toContain('button-name');
  });
});
