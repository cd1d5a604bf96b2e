import { parse } from 'csv-parse/sync';
import {
  csvHeader,
  csvRecords,
  encodeBatches,
  EVENT_FILE_LAYOUT,
  EventFileRow,
  exportFileName,
  ExportFormat,
  FileLayout,
  jsonLines,
  negotiatedFormat,
} from './export-format';

describe('negotiatedFormat', () => {
  it.each<[string | undefined, ExportFormat]>([
    [undefined, 'csv'],
    ['', 'csv'],
    ['*/*', 'csv'],
    ['text/csv', 'csv'],
    ['application/json', 'csv'],
    ['application/x-ndjson', 'jsonl'],
    ['Application/X-NDJSON', 'jsonl'],
    ['application/x-ndjson, */*', 'jsonl'],
    ['application/*', 'jsonl'],
    ['application/x-ndjson;q=0.5, text/csv', 'csv'],
    ['text/csv;q=0.5, application/x-ndjson', 'jsonl'],
    ['application/x-ndjson, text/csv', 'csv'],
    ['application/x-ndjson;q=0', 'csv'],
    ['application/x-ndjson;q=0, */*', 'csv'],
    ['text/*;q=0.2, application/x-ndjson;q=0.9', 'jsonl'],
  ])('Accept: %s → %s', (accept, format) => {
    expect(negotiatedFormat(accept)).toBe(format);
  });
});

describe('exportFileName', () => {
  it.each<['licenses' | 'events', ExportFormat, string, string]>([
    ['licenses', 'csv', '2026-03-02T09:00:00Z', 'licenses-2026-03-02.csv'],
    ['licenses', 'jsonl', '2026-03-02T23:59:59Z', 'licenses-2026-03-02.jsonl'],
    ['events', 'csv', '2026-12-31T00:00:00Z', 'events-2026-12-31.csv'],
  ])('%s %s at %s → %s', (kind, format, at, name) => {
    expect(exportFileName(kind, format, new Date(at))).toBe(name);
  });
});

describe('CSV', () => {
  type Row = { a: string | null; b: number };
  const layout: FileLayout<Row, Row> = { columns: ['a', 'b'], row: (item) => item, cells: (row) => [row.a, row.b] };

  it.each<[string | null, string]>([
    ['plain', 'plain,1\r\n'],
    [null, ',1\r\n'],
    ['', ',1\r\n'],
    ['with, comma', '"with, comma",1\r\n'],
    ['with "quotes"', '"with ""quotes""",1\r\n'],
    ['line\nbreak', '"line\nbreak",1\r\n'],
    ['carriage\rreturn', '"carriage\rreturn",1\r\n'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")",1\r\n`],
    ['+1', "'+1,1\r\n"],
    ['-1', "'-1,1\r\n"],
    ['@SUM(A1)', "'@SUM(A1),1\r\n"],
    ["'=already", "''=already,1\r\n"],
    ['\tTab', "'\tTab,1\r\n"],
    ['Ivan Petrov', 'Ivan Petrov,1\r\n'],
  ])('writes %j as %j, and reads it back with its escape', (value, text) => {
    const written = csvRecords(layout, [{ a: value, b: 1 }]);
    expect(written).toBe(text);
    expect(parse(csvHeader(layout) + written, { columns: true })).toHaveLength(1);
  });

  it('writes a header row of the columns', () => {
    expect(csvHeader(EVENT_FILE_LAYOUT)).toBe(
      'id,licenseId,type,occurredAt,actorType,actorId,actorName,before,after,reason\r\n',
    );
  });

  it('writes objects of an event as JSON text, in the order of the columns', () => {
    const row: EventFileRow = {
      id: '7',
      licenseId: '3f1c2a4e-8b7d-4c61-9e2f-5a0b1c2d3e4f',
      type: 'revoked',
      occurredAt: '2026-03-02T09:00:00.000Z',
      actorType: 'system',
      actorId: null,
      actorName: null,
      before: { status: 'active' },
      after: null,
      reason: '-refund',
    };
    const [record] = parse(csvRecords(EVENT_FILE_LAYOUT, [row]));
    expect(record).toEqual([
      '7',
      row.licenseId,
      'revoked',
      row.occurredAt,
      'system',
      '',
      '',
      '{"status":"active"}',
      '',
      "'-refund",
    ]);
  });
});

describe('jsonLines', () => {
  it('writes one object per line, values as they are', () => {
    expect(jsonLines([{ a: '=x', b: 1, c: null, d: ['p', 'q'] }, { a: 'line\nbreak' }])).toBe(
      '{"a":"=x","b":1,"c":null,"d":["p","q"]}\n{"a":"line\\nbreak"}\n',
    );
    expect(jsonLines([])).toBe('');
  });
});

describe('encodeBatches', () => {
  type Item = { a: string };
  const layout: FileLayout<Item, Item> = { columns: ['a'], row: (item) => ({ ...item }), cells: (row) => [row.a] };
  async function* batches(...pages: { a: string }[][]) {
    for (const page of pages) yield await Promise.resolve(page);
  }
  const all = async (chunks: AsyncIterable<string>) => {
    const texts: string[] = [];
    for await (const chunk of chunks) texts.push(chunk);
    return texts;
  };

  it('sends the CSV header with the first batch, so that nothing goes out before the first read', async () => {
    expect(await all(encodeBatches(batches([{ a: 'x' }], [{ a: 'y' }]), layout, 'csv'))).toEqual([
      'a\r\nx\r\n',
      'y\r\n',
    ]);
  });

  it('sends the header alone when there is no batch, and nothing in JSON Lines', async () => {
    expect(await all(encodeBatches(batches(), layout, 'csv'))).toEqual(['a\r\n']);
    expect(await all(encodeBatches(batches(), layout, 'jsonl'))).toEqual([]);
    expect(await all(encodeBatches(batches([{ a: 'x' }]), layout, 'jsonl'))).toEqual(['{"a":"x"}\n']);
  });
});
