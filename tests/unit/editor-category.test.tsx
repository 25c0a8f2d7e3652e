// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EditorValues, type Props, SuggestionEditor } from '@/components/SuggestionEditor';

// In unit tests t() answers with the key itself: the assertions name the messages.
function mount(over: Partial<Props> = {}) {
  const onSubmit = vi.fn<Props['onSubmit']>(async () => undefined);
  const onChange = vi.fn<(values: EditorValues) => void>();
  act(() => {
    render(
      <SuggestionEditor
        quote="Manager signs form"
        initial={{ text: 'Merge steps 3 and 4', anonymous: false }}
        saveStatus="idle"
        visible
        categories={['unclear', 'missing-step', 'outdated', 'simplify', 'other']}
        allowAnonymous
        onChange={onChange}
        onSubmit={onSubmit}
        onClose={() => undefined}
        onSuggestAnother={() => undefined}
        {...over}
      />,
      document.body,
    );
  });
  const select = document.querySelector<HTMLSelectElement>('select#category');
  const textbox = document.querySelector<HTMLTextAreaElement>('textarea#suggestion');
  const submit = document.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!select || !textbox || !submit) throw new Error('the editor did not render');
  return { onSubmit, onChange, select, textbox, submit };
}

async function press(button: HTMLButtonElement) {
  await act(async () => {
    button.click();
  });
}

async function choose(select: HTMLSelectElement, value: string) {
  await act(async () => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

describe('the category in the editor', () => {
  afterEach(() => render(null, document.body));

  it('is not preset: the first choice is empty and says to choose', () => {
    const { select } = mount();
    expect(select.value).toBe('');
    expect(select.options[0]?.value).toBe('');
    expect(select.options[0]?.textContent).toBe('categoryChoose');
    expect(document.querySelector('label[for="category"]')?.textContent).toBe('categoryLabel');
  });

  it('says so and focuses the choice when Submit is pressed without one, losing nothing', async () => {
    const { onSubmit, select, textbox, submit } = mount();
    expect(document.querySelector('#category-error')?.textContent).toBe('');
    await press(submit);
    expect(onSubmit).not.toHaveBeenCalled();
    expect(document.querySelector('#category-error')?.textContent).toBe('errorChooseCategory');
    expect(document.querySelector('#category-error')?.getAttribute('role')).toBe('alert');
    expect(select.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(select);
    expect(textbox.value).toBe('Merge steps 3 and 4');

    await choose(select, 'outdated');
    expect(document.querySelector('#category-error')?.textContent).toBe('');
    await press(submit);
    expect(onSubmit).toHaveBeenCalledWith({
      text: 'Merge steps 3 and 4',
      category: 'outdated',
      anonymous: false,
    });
  });

  it("restores a draft's choice, and saves a choice taken back as none", async () => {
    const { select, onChange } = mount({
      initial: { text: 'Merge steps 3 and 4', category: 'simplify', anonymous: false },
    });
    expect(select.value).toBe('simplify');
    await choose(select, '');
    expect(onChange).toHaveBeenLastCalledWith({
      text: 'Merge steps 3 and 4',
      category: undefined,
      anonymous: false,
    });
  });

  it("offers only the organisation's categories", () => {
    const { select } = mount({ categories: ['outdated', 'simplify'] });
    expect([...select.options].map((option) => option.value)).toEqual(['', 'outdated', 'simplify']);
  });
});
