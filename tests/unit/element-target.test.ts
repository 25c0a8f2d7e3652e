// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { pickableAncestor } from '@/entrypoints/content-script/element-picker';
import { captureElement } from '@/entrypoints/content-script/selection';
import { anchor, UI_HOST_ATTRIBUTE } from '@/utils/anchoring';

beforeEach(() => {
  document.body.innerHTML = `<main>
    <table><tbody>
      <tr><td>0 to 4</td><td>25</td></tr>
      <tr><td>5 to 9</td><td>26</td></tr>
    </tbody></table>
    <p>Attach the <em>signed</em> form.</p>
    <img src="chart.png" alt="Approval chart">
    <label>Cost centre <input name="cost-centre"></label>
  </main>`;
});

describe('picking an element to suggest on', () => {
  it('means the row when a cell is pointed at, the paragraph for a word in it', () => {
    const cell = document.querySelectorAll('td')[2] as Element;
    expect(pickableAncestor(cell)).toBe(document.querySelectorAll('tr')[1]);
    expect(pickableAncestor(document.querySelector('em'))).toBe(document.querySelector('p'));
    expect(pickableAncestor(document.querySelector('main'))).toBeNull();
    expect(pickableAncestor(null)).toBeNull();
  });

  it("ignores Flywheel's own UI", () => {
    const host = document.createElement('p');
    host.setAttribute(UI_HOST_ATTRIBUTE, '');
    document.body.append(host);
    expect(pickableAncestor(host)).toBeNull();
  });

  it('quotes a row by its text and finds the same row again', () => {
    const row = document.querySelectorAll('tr')[1] as Element;
    const target = captureElement(row);
    expect(target.quote).toBe('5 to 9 26');
    const range = anchor(document, target.selectors);
    expect(range?.toString()).toBe(row.textContent);
    expect(range?.intersectsNode(row)).toBe(true);
    expect(range?.intersectsNode(document.querySelectorAll('tr')[0] as Element)).toBe(false);
  });

  it('quotes an element without text by its name, never as markup', () => {
    expect(captureElement(document.querySelector('img') as Element).quote).toBe('Approval chart');
    expect(captureElement(document.querySelector('input') as Element).quote).toBe('cost-centre');
    const canvas = document.createElement('canvas');
    document.body.append(canvas);
    expect(captureElement(canvas).quote).toBe('<canvas>');
  });
});
