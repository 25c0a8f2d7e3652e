import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { IncomingSuggestionSchema } from '@/utils/protocol/annotation';
import type { Suggestion } from '@/utils/shared/suggestion';
import { CSV_COLUMNS, csvCell, exportCsv, exportFileName, exportJson } from '@/utils/ui/export';

const base: Suggestion = {
  id: '6f1c1b0e-3f57-4d2a-9a43-0d7b6f1f7e11',
  pageUrl: 'https://intranet.example/process/po',
  pageTitle: 'Raising a purchase order',
  text: 'Merge steps 3 and 4',
  category: 'simplify',
  anonymous: false,
  quote: 'Manager signs form',
  selectors: [
    { type: 'TextQuoteSelector', exact: 'Manager signs form', prefix: '3. ', suffix: ' 4.' },
    { type: 'TextPositionSelector', start: 412, end: 430 },
    { type: 'CssSelector', value: 'main ol > li:nth-child(3)' },
  ],
  syncState: 'synced',
  remoteStatus: 'planned',
  remoteId: 'https://feedback.intranet.example/annotations/abc',
  voteCount: 3,
  replyCount: 1,
  createdAt: Date.UTC(2026, 10, 30, 9, 0, 0),
  submittedAt: Date.UTC(2026, 10, 30, 9, 0, 5),
  updatedAt: Date.UTC(2026, 11, 1, 12, 0, 0),
};

/** An RFC 4180 reader, to read back what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  expect(cell, 'the file ends with a line break').toBe('');
  return rows;
}

describe('exporting suggestions as W3C Web Annotations (JSON)', () => {
  it('writes each suggestion in the shape the endpoint speaks', () => {
    const anonymousDraft: Suggestion = {
      ...base,
      id: '0a5e2a8c-1111-4c3b-8e2f-5b5b1e0e9a01',
      anonymous: true,
      syncState: 'draft',
      selectors: [],
      quote: '',
      remoteId: undefined,
      remoteStatus: undefined,
      voteCount: undefined,
      replyCount: undefined,
      submittedAt: undefined,
    };
    const [sent, draft] = JSON.parse(exportJson([base, anonymousDraft]));
    expect(sent).toEqual({
      '@context': ['http://www.w3.org/ns/anno.jsonld', expect.any(Object)],
      id: 'https://feedback.intranet.example/annotations/abc',
      type: 'Annotation',
      motivation: 'editing',
      created: '2026-11-30T09:00:05.000Z',
      modified: '2026-12-01T12:00:00.000Z',
      body: [
        {
          type: 'TextualBody',
          value: 'Merge steps 3 and 4',
          format: 'text/plain',
          purpose: 'editing',
        },
        { type: 'TextualBody', value: 'simplify', purpose: 'tagging' },
      ],
      target: { source: 'https://intranet.example/process/po', selector: base.selectors },
      category: 'simplify',
      anonymous: false,
      status: 'planned',
      voteCount: 3,
      replyCount: 1,
    });
    expect(draft.id).toBe('urn:uuid:0a5e2a8c-1111-4c3b-8e2f-5b5b1e0e9a01');
    // About the whole page: the target is the page itself, as the W3C model has it.
    expect(draft.target).toBe('https://intranet.example/process/po');
    expect(draft.anonymous).toBe(true);
    expect(draft).not.toHaveProperty('creator');
    // What the endpoint would accept from the sync engine, it accepts from the export.
    const check = v.safeParse(IncomingSuggestionSchema, sent);
    expect(check.issues?.map((issue) => issue.message) ?? []).toEqual([]);
  });

  it('writes an empty array when there is nothing to export', () => {
    expect(JSON.parse(exportJson([]))).toEqual([]);
  });
});

describe('exporting suggestions as CSV', () => {
  it('has a header row and one row per suggestion, read back exactly (RFC 4180)', () => {
    const tricky: Suggestion = {
      ...base,
      id: '0a5e2a8c-2222-4c3b-8e2f-5b5b1e0e9a02',
      text: 'Say "signed", not "approved",\nand add step 5, please',
      pageTitle: 'Inkooporder, stap 3 — één formulier',
      anonymous: true,
      remoteStatus: undefined,
      voteCount: undefined,
      replyCount: undefined,
    };
    const csv = exportCsv([base, tricky]);
    expect(csv.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    const [header, first, second] = parseCsv(csv);
    expect(header).toEqual([...CSV_COLUMNS]);
    const record = (row: string[] | undefined) =>
      Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, row?.[i]]));
    expect(record(first)).toEqual({
      id: base.id,
      created: '2026-11-30T09:00:05.000Z',
      modified: '2026-12-01T12:00:00.000Z',
      page_url: 'https://intranet.example/process/po',
      page_title: 'Raising a purchase order',
      quote: 'Manager signs form',
      suggestion: 'Merge steps 3 and 4',
      category: 'simplify',
      anonymous: 'false',
      sync_state: 'synced',
      status: 'planned',
      votes: '3',
      replies: '1',
    });
    expect(record(second)).toMatchObject({
      suggestion: 'Say "signed", not "approved",\nand add step 5, please',
      page_title: 'Inkooporder, stap 3 — één formulier',
      anonymous: 'true',
      status: '',
      votes: '',
    });
  });

  it('quotes only the cells that need it', () => {
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('')).toBe('');
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    for (const attack of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)']) {
      const cell = csvCell(attack);
      expect(cell.replace(/^"/, '').startsWith("'"), attack).toBe(true);
    }
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    const [, row] = parseCsv(exportCsv([{ ...base, text: '=cmd|" /C calc"!A0' }]));
    expect(row?.[CSV_COLUMNS.indexOf('suggestion')]).toBe(`'=cmd|" /C calc"!A0`);
  });

  it('names the file by the day of the export', () => {
    expect(exportFileName('csv', Date.UTC(2026, 11, 2, 23, 59))).toBe(
      'flywheel-suggestions-2026-12-02.csv',
    );
    expect(exportFileName('json', Date.UTC(2026, 0, 5))).toBe(
      'flywheel-suggestions-2026-01-05.json',
    );
  });
});

describe('exporting a draft whose category is not chosen yet', () => {
  const { category: _unchosen, ...fields } = base;
  const draft: Suggestion = { ...fields, syncState: 'draft', remoteStatus: undefined };

  it('says no category rather than one it does not have', () => {
    const [annotation] = JSON.parse(exportJson([draft])) as {
      category?: string;
      body: { purpose: string }[];
    }[];
    expect(annotation?.category).toBeUndefined();
    expect(annotation?.body.map((body) => body.purpose)).toEqual(['editing']);
    const [header, row] = parseCsv(exportCsv([draft]));
    expect(row?.[header?.indexOf('category') ?? -1]).toBe('');
    expect(row?.[header?.indexOf('sync_state') ?? -1]).toBe('draft');
  });
});
