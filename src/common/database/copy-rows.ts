import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { EntityManager, QueryFailedError } from 'typeorm';

/** A value of a row of COPY's text format: null is NULL, a Date its ISO 8601 text, an array a PostgreSQL array. */
export type CopyValue = string | number | Date | null | readonly string[];

/** Backslash, tab, line feed and carriage return: what COPY's text format escapes inside a value. */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const ARRAY_SPECIALS = /["\\]/g;

function escaped(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (character) => COPY_ESCAPES[character]) : text;
}

/** The last instant written and its text: the rows of a batch share some (`now`, an order's payment). */
let lastTime = NaN;
let lastTimeText = '';

function copyText(value: CopyValue): string {
  if (typeof value === 'string') return escaped(value);
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) {
    const time = value.getTime();
    if (time !== lastTime) {
      lastTimeText = value.toISOString();
      lastTime = time;
    }
    return lastTimeText;
  }
  // Every element quoted, so that none reads as NULL or splits at a comma; then escaped once more for COPY.
  return escaped(`{${value.map((element) => `"${element.replace(ARRAY_SPECIALS, '\\$&')}"`).join(',')}}`);
}

/** One row of COPY's text format (tab-separated, ending with a line feed). */
export function copyRow(values: readonly CopyValue[]): string {
  let row = '';
  for (let index = 0; index < values.length; index++) {
    row += index === 0 ? copyText(values[index]) : `\t${copyText(values[index])}`;
  }
  return `${row}\n`;
}

/** Rows per chunk of COPY text: no chunk grows large enough (128 KiB) to be allocated outside V8's young generation. */
const ROWS_PER_CHUNK = 200;

/** The COPY text of `items`, {@link ROWS_PER_CHUNK} rows a chunk, each row the values `row` gives, in column order. */
export function* copyChunks<T>(items: readonly T[], row: (item: T) => readonly CopyValue[]): Generator<string> {
  for (let start = 0; start < items.length; start += ROWS_PER_CHUNK) {
    let text = '';
    const end = Math.min(items.length, start + ROWS_PER_CHUNK);
    for (let index = start; index < end; index++) text += copyRow(row(items[index]));
    yield text;
  }
}

/**
 * Runs `statement` (`COPY table (columns) FROM STDIN`, possibly after other statements of its own text) on the
 * connection of `manager`, a transaction's, and sends it `chunks` of COPY text, waiting for the server to take
 * each; answers the rows copied. Several hundred rows a statement cost the server far less than `INSERT … SELECT
 * FROM unnest(…)` with arrays, and the client no array encoding at all. A failure is thrown as TypeORM's
 * QueryFailedError, as every other query's.
 */
export async function copyFrom(manager: EntityManager, statement: string, chunks: Iterable<string>): Promise<number> {
  const runner = manager.queryRunner;
  if (runner === undefined) throw new Error('COPY runs on the connection of a transaction: pass its EntityManager.');
  const client = (await runner.connect()) as PoolClient;
  const copy = client.query(copyFromStdin(statement));
  try {
    await pipeline(Readable.from(chunks, { objectMode: false }), copy);
  } catch (error) {
    throw new QueryFailedError(statement, [], error as Error);
  }
  return copy.rowCount;
}
