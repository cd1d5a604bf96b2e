import { copyChunks, copyRow, CopyValue } from './copy-rows';

describe('copyRow: a row of COPY text', () => {
  it.each<[string, CopyValue[], string]>([
    ['tab-separated, ending with a line feed', ['a', 'b'], 'a\tb\n'],
    ['null as \\N, numbers as they are', [null, 0, 42, -7], '\\N\t0\t42\t-7\n'],
    ['an empty string as nothing, not NULL', ['', 'x'], '\tx\n'],
    ['the text \\N escaped, not read as NULL', ['\\N'], '\\\\N\n'],
    ['backslash, tab, line feed and carriage return escaped', ['a\\b\tc\nd\re'], 'a\\\\b\\tc\\nd\\re\n'],
    ['other characters verbatim', ['"quoted", \'single\'; пример ✓'], '"quoted", \'single\'; пример ✓\n'],
    ['a date as its ISO 8601 text', [new Date('2026-03-02T09:00:00.123Z')], '2026-03-02T09:00:00.123Z\n'],
    ['an array with every element quoted', [['a.com', 'b.com']], '{"a.com","b.com"}\n'],
    ['an empty array', [[]], '{}\n'],
    ['array elements that read as NULL or hold commas and braces', [['NULL', 'a,b', '{x}']], '{"NULL","a,b","{x}"}\n'],
    ['quotes and backslashes inside an array element', [['say "hi"\\']], '{"say \\\\"hi\\\\"\\\\\\\\"}\n'],
  ])('%s', (_case, values, text) => {
    expect(copyRow(values)).toBe(text);
  });

  it('writes each instant of a row, also when the rows share or change it', () => {
    const first = new Date('2026-01-01T00:00:00.000Z');
    const second = new Date('2026-01-02T00:00:00.000Z');
    expect([copyRow([first, first]), copyRow([second]), copyRow([first])]).toEqual([
      '2026-01-01T00:00:00.000Z\t2026-01-01T00:00:00.000Z\n',
      '2026-01-02T00:00:00.000Z\n',
      '2026-01-01T00:00:00.000Z\n',
    ]);
  });
});

describe('copyChunks', () => {
  it('writes every row once, in order, 200 rows a chunk', () => {
    const items = Array.from({ length: 450 }, (_, index) => index);
    const chunks = [...copyChunks(items, (item) => [item])];
    expect(chunks.map((chunk) => chunk.split('\n').length - 1)).toEqual([200, 200, 50]);
    expect(chunks.join('')).toBe(items.map((item) => `${item}\n`).join(''));
    expect([...copyChunks([], () => [])]).toEqual([]);
  });
});
