// @vitest-environment happy-dom
import { expect, describe as group, it } from 'vitest';
import { anchor, createAnchorer, describe, type Selector } from '../../../utils/anchoring';
import { selectText, setBody, textOf } from './dom-helpers';

group('open shadow roots', () => {
  const mount = () => {
    const body = setBody('<main><p>Light text before.</p><policy-card></policy-card></main>');
    const host = body.querySelector('policy-card') as Element;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<h2>Travel policy</h2><p>Book trains for trips under four hours.</p>';
    return shadow;
  };

  it('indexes the text of an open shadow tree where the host is', () => {
    mount();
    expect(createAnchorer(document).index.text).toBe(
      'Light text before. Travel policy Book trains for trips under four hours. ',
    );
  });

  it('describes and anchors a selection inside the shadow tree', () => {
    const shadow = mount();
    const selectors = describe(selectText(shadow, 'trains for trips'), document.body);
    const range = anchor(document, selectors);
    expect(textOf(range)).toBe('trains for trips');
    expect(range?.startContainer.getRootNode()).toBe(shadow);
  });

  it('indexes light children where the shadow tree slots them', () => {
    const body = setBody('<main><note-box><b>Slotted words</b></note-box></main>');
    const host = body.querySelector('note-box') as Element;
    host.attachShadow({ mode: 'open' }).innerHTML = '<p>Note: <slot></slot> end.</p>';
    expect(createAnchorer(document).index.text).toBe('Note: Slotted words end. ');
  });
});

group('element selectors as hints', () => {
  const PAGE =
    '<main><h1>Fees</h1><p>Old fee table follows.</p><ul><li>Travel: 20 euros</li><li>Hotel: 90 euros</li></ul></main>';

  it('anchors an element target by its XPath when its text is unchanged', () => {
    // Two rows with the same text: only the element selector tells them apart.
    setBody(PAGE.replace('Travel: 20 euros', 'Hotel: 90 euros'));
    const quote: Selector = { type: 'TextQuoteSelector', exact: 'Hotel: 90 euros' };
    const range = anchor(document, [
      { type: 'XPathSelector', value: '/html/body/main/ul/li[2]' },
      quote,
    ]);
    expect(range?.startContainer).toBe(document.querySelector('ul'));
    expect(range?.startOffset).toBe(1);
    // Without it, the first copy.
    expect(anchor(document, [quote])?.startOffset).toBe(0);
  });

  it('anchors an element picked without text by its XPath', () => {
    setBody('<main><p>Chart:</p><img src="a.png"><img src="b.png"></main>');
    const selectors: Selector[] = [{ type: 'XPathSelector', value: '/html/body/main/img[2]' }];
    expect(anchor(document, selectors)?.startOffset).toBe(2);
    expect(anchor(document, [{ type: 'XPathSelector', value: '//img' }])).toBeNull();
  });

  it('falls back to the element when the quote is gone but the element kept its words', () => {
    setBody(PAGE);
    // Context from elsewhere and a short quote: too little for an edited match on its own.
    const selectors: Selector[] = [
      {
        type: 'TextQuoteSelector',
        exact: 'Hotel: 90 euros',
        prefix: 'nothing like the page at all, ',
        suffix: ' and something unrelated again',
      },
      { type: 'CssSelector', value: 'li:nth-child(2)' },
    ];
    setBody(PAGE.replace('Hotel: 90 euros', 'Hotel - 90 euros'));
    expect(textOf(anchor(document, selectors))).toBe('Hotel - 90 euros');
    // Its words in another order are not the same text.
    setBody(PAGE.replace('Hotel: 90 euros', '90 euros: Hotel'));
    expect(anchor(document, selectors)).toBeNull();
    // Rows swapped: the selector now points at a sibling that looks alike.
    setBody(
      PAGE.replace(
        '<li>Travel: 20 euros</li><li>Hotel: 90 euros</li>',
        '<li>Hotel: 95 eur</li><li>Travel: 20 euros</li>',
      ),
    );
    expect(anchor(document, selectors)).toBeNull();
  });
});

group('verbatim copies: a heading and its table-of-contents entry', () => {
  const page = (sections: string[]) =>
    `<nav><ul>${sections.map((name) => `<li><a href="#">${name}</a></li>`).join('')}</ul></nav><main>${sections
      .map((name) => `<h2>${name}</h2><p>What to do about ${name.toLowerCase()} in the team.</p>`)
      .join('')}</main>`;

  it('anchors the heading, not its contents entry, after the sections moved and their context changed', () => {
    const body = setBody(page(['Ordering', 'Approval of invoices', 'Travel']));
    const old = body.querySelectorAll('h2')[1] as Element;
    const selectors = describe(selectText(old, 'Approval of invoices'));
    // Reordered, renamed neighbours: neither copy keeps its context.
    setBody(page(['Expenses', 'Travel and hotels', 'Approval of invoices', 'Purchasing']));
    const range = anchor(document, selectors);
    expect(textOf(range)).toBe('Approval of invoices');
    const heading = document.querySelectorAll('h2')[2] as Element;
    const entry = document.querySelectorAll('nav a')[2] as Element;
    expect(range?.intersectsNode(heading)).toBe(true);
    expect(range?.intersectsNode(entry)).toBe(false);
  });
});
