// @vitest-environment happy-dom
import { expect, describe as group, it } from 'vitest';
import {
  anchor,
  anchorAll,
  createAnchorer,
  describe,
  type Selector,
} from '../../../utils/anchoring';
import { selectText, setBody, textOf } from './dom-helpers';

const PROCEDURE = `
  <main>
    <h1>Purchase orders</h1>
    <ol id="steps">
      <li>Open the <a href="#">request form</a> in the portal.</li>
      <li>Fill in the <em>cost centre</em> and the amount.</li>
      <li>The <b>manager signs the form</b> within two working days.</li>
      <li>Finance pays the supplier.</li>
    </ol>
  </main>`;

function quoteOf(selectors: Selector[]) {
  return selectors.find((selector) => selector.type === 'TextQuoteSelector');
}

group('describe', () => {
  it('writes a quote with 32 characters of context, its position and the containing element', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'manager signs the form'));
    expect(selectors).toEqual([
      {
        type: 'TextQuoteSelector',
        exact: 'manager signs the form',
        prefix: 'cost centre and the amount. The ',
        suffix: ' within two working days. Financ',
      },
      { type: 'TextPositionSelector', start: 97, end: 119 },
      { type: 'CssSelector', value: 'b' },
    ]);
  });

  it('describes a selection spanning elements by their common container', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(
      selectText(body, 'amount.</li>\n      <li>The'.replace(/<[^>]+>/g, '')),
    );
    expect(quoteOf(selectors)).toMatchObject({ exact: 'amount. The' });
    expect(selectors.at(-1)).toEqual({ type: 'CssSelector', value: '#steps' });
  });

  it('returns nothing for a collapsed selection', () => {
    const body = setBody(PROCEDURE);
    const range = selectText(body, 'manager');
    range.collapse(true);
    expect(describe(range)).toEqual([]);
  });
});

group('anchor round trip', () => {
  it('finds the selection again on the same page, across nested inline elements', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(
      selectText(body, 'manager signs the form</b> within'.replace('</b>', '')),
    );
    setBody(PROCEDURE);
    expect(textOf(anchor(document, selectors))).toBe('manager signs the form within');
  });

  it('finds selections that span list items', () => {
    const body = setBody(PROCEDURE);
    const range = document.createRange();
    range.setStart(selectText(body, 'portal').startContainer, 7);
    range.setEnd(selectText(body, 'cost centre').endContainer, 4);
    const selectors = describe(range);
    expect(quoteOf(selectors)).toMatchObject({ exact: 'portal. Fill in the cost' });
    setBody(PROCEDURE.replace(/\n\s*/g, ''));
    const anchored = anchor(document, selectors);
    expect(anchored?.startContainer.textContent).toBe(' in the portal.');
    expect(textOf(anchored)).toBe('portal.Fill in the cost');
  });

  it('tells repeated text apart by its prefix and suffix', () => {
    const page = `<p>Travel: submit the form to HR.</p><p>Leave: submit the form to your lead.</p>
      <p>Expenses: submit the form to Finance.</p>`;
    const body = setBody(page);
    const selectors = describe(selectText(body, 'submit the form', 1));
    setBody(`<p>New intro paragraph.</p>${page}`);
    const anchored = anchor(document, selectors);
    expect(anchored?.startContainer.parentElement?.textContent).toContain('Leave');
  });

  it('tells identical text with identical context apart by position', () => {
    const row = '<p>Check the total and press Save before you leave.</p>';
    const body = setBody(row.repeat(5));
    const selectors = describe(selectText(body, 'Save', 3));
    setBody(`<p>Note.</p>${row.repeat(5)}`);
    const anchored = anchor(document, selectors);
    const paragraphs = [...document.querySelectorAll('p')];
    expect(paragraphs.indexOf(anchored?.startContainer.parentElement as HTMLParagraphElement)).toBe(
      4,
    );
  });

  it('survives edits around the quote when one side of the context remains', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'manager signs the form'));
    setBody(
      PROCEDURE.replace('Fill in the <em>cost centre</em> and the amount.', 'Add the budget code.'),
    );
    expect(textOf(anchor(document, selectors))).toBe('manager signs the form');
  });

  it('survives re-indented markup and whitespace changes', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'Fill in the'));
    setBody(PROCEDURE.replace(/\n\s*/g, '\n\t\t').replace('Fill in', 'Fill\n   in'));
    expect(textOf(anchor(document, selectors))).toBe('Fill in the');
  });

  it('finds a lightly edited quote near where it was', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'manager signs the form within two working days'));
    setBody(PROCEDURE.replace('signs the form</b> within two', 'signs the forms</b> within three'));
    expect(textOf(anchor(document, selectors))).toBe(
      'manager signs the forms within three working days',
    );
  });

  it('finds a lightly edited quote after a large insertion moved it far away', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'Finance pays the supplier'));
    const filler = '<p>Unrelated policy text about travel and leave requests.</p>'.repeat(300);
    setBody(PROCEDURE.replace('<ol', `${filler}<ol`).replace('pays the', 'then pays the'));
    expect(textOf(anchor(document, selectors))).toBe('Finance then pays the supplier');
  });

  it('returns null when the quote was removed', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'Finance pays the supplier.'));
    setBody(PROCEDURE.replace('<li>Finance pays the supplier.</li>', ''));
    expect(anchor(document, selectors)).toBeNull();
  });

  it('anchors a quote found verbatim once even where its context changed', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'manager signs the form'));
    setBody(
      PROCEDURE.replace(/<li>The <b>.*<\/li>/, '').replace(
        '</main>',
        '<p>For hires over budget, the manager signs the form and sends it to the director.</p></main>',
      ),
    );
    expect(textOf(anchor(document, selectors))).toBe('manager signs the form');
  });

  it('does not anchor short words found elsewhere with another context', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'the amount'));
    setBody(
      PROCEDURE.replace('the amount', 'the sum').replace(
        '</main>',
        '<p>Write the amount in words.</p></main>',
      ),
    );
    expect(anchor(document, selectors)).toBeNull();
  });

  it('does not anchor a lightly edited short variant found elsewhere with another context', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'manager signs the form within two'));
    setBody(
      PROCEDURE.replace(/<li>The <b>.*<\/li>/, '').replace(
        '</main>',
        '<p>Hires: our manager signs the forms within three working days, ask HR.</p></main>',
      ),
    );
    expect(anchor(document, selectors)).toBeNull();
  });

  it('ignores Flywheel UI inserted into the page', () => {
    const body = setBody(PROCEDURE);
    const selectors = describe(selectText(body, 'manager signs the form'));
    setBody(
      PROCEDURE.replace(
        '<main>',
        '<div data-flywheel-ui><p>the manager signs the form within two working days.</p></div><main>',
      ),
    );
    const anchored = anchor(document, selectors);
    expect(textOf(anchored)).toBe('manager signs the form');
    expect(document.querySelector('main')?.contains(anchored?.startContainer ?? null)).toBe(true);
  });

  it('accepts quotes from other tools that kept raw whitespace', () => {
    setBody(PROCEDURE);
    const anchored = anchor(document.body, [
      { type: 'TextQuoteSelector', exact: 'Fill in\n  the', prefix: 'portal.\n', suffix: ' cost' },
    ]);
    expect(textOf(anchored)).toBe('Fill in the');
  });

  it('anchors many suggestions against one index, in batches, with the same answers', async () => {
    const body = setBody(PROCEDURE);
    const phrases = ['request form', 'cost centre', 'two working days', 'supplier'];
    const all = phrases.map((phrase) => describe(selectText(body, phrase)));
    all.push([{ type: 'TextQuoteSelector', exact: 'not on this page', prefix: '', suffix: '' }]);
    const anchorer = createAnchorer(document);
    const batched = await anchorAll(document, all, 0);
    expect(batched.map(textOf)).toEqual([...phrases, null]);
    expect(all.map((selectors) => textOf(anchorer.anchor(selectors)))).toEqual([...phrases, null]);
  });
});
