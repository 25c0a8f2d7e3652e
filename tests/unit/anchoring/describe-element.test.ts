// @vitest-environment happy-dom
import { expect, describe as group, it } from 'vitest';
import { anchor, describeElement } from '../../../utils/anchoring';
import { setBody } from './dom-helpers';

const FORM_PAGE = `
  <main>
    <table><tbody>
      <tr><td>Laptop</td><td>1,200</td></tr>
      <tr><td>Monitor</td><td>300</td></tr>
    </tbody></table>
    <form>
      <label>Cost centre <input name="cost-centre"></label>
      <label>Amount <input name="amount"></label>
    </form>
    <figure><img src="org.png" alt="Organisation chart"><figcaption>Who signs</figcaption></figure>
    <section id="approvals"><p>Approvals</p><p>Ask the manager.</p></section>
    <div id="ember1234"><p>Generated</p><p>Second</p></div>
  </main>`;

function cssOf(element: Element): string | undefined {
  const css = describeElement(element).find((selector) => selector.type === 'CssSelector');
  return css?.value;
}

group('describeElement', () => {
  it('describes a table row by a unique path and the quote of its text', () => {
    setBody(FORM_PAGE);
    const row = document.querySelectorAll('tr')[1] as Element;
    expect(describeElement(row)).toEqual([
      { type: 'CssSelector', value: 'tr:nth-child(2)' },
      {
        type: 'TextQuoteSelector',
        exact: 'Monitor 300',
        prefix: 'Laptop 1,200 ',
        suffix: ' Cost centre Amount Who signs Ap',
      },
      { type: 'TextPositionSelector', start: 13, end: 24 },
    ]);
  });

  it('prefers a stable id, skips generated ones, and names fields and images by attribute', () => {
    setBody(FORM_PAGE);
    expect(cssOf(document.querySelector('#approvals') as Element)).toBe('#approvals');
    expect(cssOf(document.querySelector('#approvals p + p') as Element)).toBe(
      '#approvals > p:nth-child(2)',
    );
    expect(cssOf(document.querySelector('#ember1234 p') as Element)).toBe('div > p:nth-child(1)');
    expect(cssOf(document.querySelector('input[name=amount]') as Element)).toBe(
      'input[name="amount"]',
    );
    expect(cssOf(document.querySelector('img') as Element)).toBe('img[alt="Organisation chart"]');
  });

  it('anchors a picked row to the whole row after rows are added above it', () => {
    setBody(FORM_PAGE);
    const selectors = describeElement(document.querySelectorAll('tr')[1] as Element);
    setBody(FORM_PAGE.replace('<tbody>', '<tbody><tr><td>Desk</td><td>450</td></tr>'));
    const anchored = anchor(document, selectors);
    const row = document.querySelectorAll('tr')[2];
    expect(anchored?.startContainer).toBe(row?.parentNode);
    expect(anchored?.toString()).toBe(row?.textContent);
  });

  it('anchors a picked image and form field by their attributes after the layout changed', () => {
    setBody(FORM_PAGE);
    const image = describeElement(document.querySelector('img') as Element);
    const field = describeElement(document.querySelector('input[name=amount]') as Element);
    setBody(
      FORM_PAGE.replace('<figure>', '<p>New note</p><figure><span>Figure 1</span>').replace(
        '<label>Amount',
        '<label>Currency <input name="currency"></label><label>Amount',
      ),
    );
    expect(
      anchor(document, image)?.startContainer.childNodes[anchor(document, image)?.startOffset ?? 0],
    ).toBe(document.querySelector('img'));
    const fieldRange = anchor(document, field);
    expect(fieldRange?.startContainer.childNodes[fieldRange?.startOffset ?? 0]).toBe(
      document.querySelector('input[name=amount]'),
    );
  });

  it('orphans a picked image whose identifying attribute is gone', () => {
    setBody(FORM_PAGE);
    const image = describeElement(document.querySelector('img') as Element);
    setBody(FORM_PAGE.replace('alt="Organisation chart"', 'alt="Budget"'));
    expect(anchor(document, image)).toBeNull();
  });
});
