import { label } from './labels';
import type { PageContext } from './page-context';
import type { PageMarks } from './page-marks';

const NAVIGATOR_CSS = `
  .nav {
    display: flex; align-items: center; gap: 2px; padding: 3px; border-radius: 999px;
    font: 13px/1.2 system-ui, sans-serif; color: #0f172a; background: #fff;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.25);
  }
  .nav span { padding: 0 8px; max-width: 40vw; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .nav button { padding: 6px 10px; }
`;

function textButton(page: PageContext, text: string, label: string, onClick: () => void) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = text;
  button.setAttribute('aria-label', label);
  page.listen(button, 'click', onClick);
  return button;
}

/**
 * Keyboard access to the marks: "N suggestions on this page" beside the launcher, with
 * previous and next (each scrolls to the suggestion and marks it as current) and open. It says
 * where and how many, never what a suggestion says or whose it is: this text is in the page.
 */
export function mountNavigator(page: PageContext, bar: HTMLElement, highlights: PageMarks) {
  let update: (() => void) | null = null;
  // Built the first time the page has a suggestion to show: most pages never need it.
  const firstUpdate = () => {
    if (update) return update();
    if (highlights.anchored().length === 0) return;
    update = buildNavigator(page, bar, highlights);
  };
  highlights.onChange(firstUpdate);
  firstUpdate();
}

function buildNavigator(page: PageContext, bar: HTMLElement, highlights: PageMarks): () => void {
  const style = document.createElement('style');
  style.textContent = NAVIGATOR_CSS;
  const group = document.createElement('div');
  group.className = 'nav';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', label('pageSuggestionsLabel'));
  const status = document.createElement('span');
  status.setAttribute('aria-live', 'polite');
  const move = (step: number) => {
    const moved = highlights.move(step);
    if (!moved) return;
    openButton.hidden = false;
    status.textContent = label('pageSuggestionPosition', [
      String(moved.index + 1),
      String(highlights.anchored().length),
    ]);
  };
  const openButton = textButton(
    page,
    label('openSuggestionText'),
    label('openSuggestionLabel'),
    () => highlights.openCurrent(),
  );
  group.append(
    textButton(page, '‹', label('previousSuggestionLabel'), () => move(-1)),
    status,
    textButton(page, '›', label('nextSuggestionLabel'), () => move(1)),
    openButton,
  );
  let shownCount = -1;
  const update = () => {
    const count = highlights.anchored().length;
    // Re-anchoring the same suggestions keeps the person's place.
    if (count === shownCount) return;
    shownCount = count;
    group.hidden = count === 0;
    openButton.hidden = true;
    status.textContent =
      count === 1 ? label('pageSuggestionsOne') : label('pageSuggestionsMany', String(count));
  };
  update();
  bar.prepend(style, group);
  return update;
}
