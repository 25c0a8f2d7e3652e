// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { buildTextIndex } from '../../../utils/anchoring/text-index';
import { selectText, setBody } from './dom-helpers';

describe('text model', () => {
  it('collapses whitespace, separates blocks and keeps inline elements joined', () => {
    const body = setBody(`
      <h1>  Purchase
        orders </h1>
      <p>The <b>man</b>ager&nbsp;signs<br>the form.</p>
      <ul><li>one</li><li>two</li></ul>`);
    expect(buildTextIndex(body).text).toBe('Purchase orders The manager signs the form. one two ');
  });

  it('leaves out scripts, styles, templates and Flywheel UI hosts', () => {
    const body = setBody(
      '<p>Keep<script>var x = 1;</script><style>p{}</style><noscript>no js</noscript> this</p>' +
        '<template><p>later</p></template><div data-flywheel-ui><p>Suggest improvement</p></div>' +
        '<textarea>draft</textarea><p>too</p>',
    );
    expect(buildTextIndex(body).text).toBe('Keep this too ');
  });

  it('maps every model span back to DOM text of the same characters', () => {
    const body = setBody('<p>Alpha <em>  beta\n gamma</em>   delta <a href="#">epsilon</a>.</p>');
    const index = buildTextIndex(body);
    expect(index.text).toBe('Alpha beta gamma delta epsilon. ');
    for (let start = 0; start < index.text.length; start++) {
      for (let end = start + 1; end <= index.text.length; end++) {
        const expected = index.text.slice(start, end).trim();
        const actual = index.rangeOf(start, end).toString().replace(/\s+/g, ' ').trim();
        expect(actual, `${start}-${end}`).toBe(expected);
      }
    }
  });

  it('maps DOM boundary points to model offsets, snapping points between texts inwards', () => {
    const body = setBody('<p>one  two</p><p><img alt=""> three</p>');
    const index = buildTextIndex(body);
    expect(index.text).toBe('one two three ');
    const range = selectText(body, 'two');
    expect(index.offsetOf(range.startContainer, range.startOffset, 'start')).toBe(4);
    expect(index.offsetOf(range.endContainer, range.endOffset, 'end')).toBe(7);
    const second = body.lastElementChild as Element;
    expect(index.offsetOf(second, 0, 'start')).toBe(8);
    expect(index.offsetOf(second, 0, 'end')).toBe(7);
    expect(index.spanOf(second)).toEqual([8, 13]);
  });
});
