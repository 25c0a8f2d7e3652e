// W3C Web Annotation selector types (https://www.w3.org/TR/annotation-model/#selectors),
// limited to the ones Flywheel writes and reads.

export interface TextQuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix?: string;
  suffix?: string;
}

export interface TextPositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}

export interface CssSelector {
  type: 'CssSelector';
  value: string;
}

export interface XPathSelector {
  type: 'XPathSelector';
  value: string;
}

export type Selector = TextQuoteSelector | TextPositionSelector | CssSelector | XPathSelector;
