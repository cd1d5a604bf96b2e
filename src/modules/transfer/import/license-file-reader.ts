import { Readable, Transform, TransformCallback } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import split2 from 'split2';
import {
  LICENSE_FILE_COLUMNS,
  LicenseFileColumn,
  REQUIRED_LICENSE_FILE_COLUMNS,
  unescapeCsvCell,
} from '../license-file';
import { RawRow } from './import-row.rules';

export type LicenseFileFormat = 'csv' | 'jsonl';

/** The longest line (a CSV record, a JSON Lines object) read: far above any license, far below a hostile file. */
export const MAX_LINE_BYTES = 64 * 1024;

/** A file that cannot be read as a license file at all; `line` is where reading stopped, when known. */
export class LicenseFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

export interface FileRow {
  /** The file's line where the row starts (the header is line 1 of a CSV file). */
  line: number;
  fields: RawRow;
}

/**
 * Reads a license file as it streams in, one row at a time, never the whole file: CSV with csv-parse (RFC 4180,
 * a header row, quoted cells across lines, a UTF-8 byte order mark skipped), JSON Lines one object per line.
 * The bytes must be UTF-8. Throws LicenseFileError for what makes the file unreadable: another encoding, a
 * missing or unknown column, a record with more cells than the header, a line over {@link MAX_LINE_BYTES}.
 */
export async function* readLicenseFile(
  source: Readable,
  format: LicenseFileFormat,
  onBytes: (bytes: number) => void = () => undefined,
): AsyncGenerator<FileRow> {
  const text = source.pipe(new StrictUtf8Decoder(onBytes));
  // pipe() does not pass on errors: the source's (an upload cut off, or over its size limit) go to the decoder,
  // and the decoder's (not UTF-8) to the parser, whose iteration then throws them. Nothing is held per row.
  source.once('error', (error) => text.destroy(error));
  yield* format === 'csv' ? csvRows(text) : jsonLinesRows(text);
}

async function* csvRows(text: Readable): AsyncGenerator<FileRow> {
  const parser = parseCsv({
    bom: true,
    columns: (header: string[]) => checkedHeader(header.map((cell) => cell.trim())),
    max_record_size: MAX_LINE_BYTES,
    skip_empty_lines: true,
    info: true,
    relax_column_count_less: true,
  });
  text.pipe(parser);
  text.once('error', (error) => parser.destroy(error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number; records: number };
    }>) {
      const fields: RawRow = {};
      for (const [column, cell] of Object.entries(record)) {
        fields[column as LicenseFileColumn] = unescapeCsvCell(cell);
      }
      yield { line: info.lines, fields };
    }
  } catch (error) {
    throw error instanceof CsvError ? csvFileError(error) : error;
  }
}

function csvFileError(error: CsvError): LicenseFileError {
  const line = (error as CsvError & { lines?: number }).lines;
  if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
    return new LicenseFileError('the record has more cells than the header has columns', line);
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return new LicenseFileError(`a record longer than ${MAX_LINE_BYTES} bytes`, line);
  }
  return new LicenseFileError(`not valid CSV (${error.message})`, line);
}

async function* jsonLinesRows(text: Readable): AsyncGenerator<FileRow> {
  // split2 keeps at most one line in memory, and refuses a longer one than maxLength.
  const lines = text.pipe(split2({ maxLength: MAX_LINE_BYTES }));
  text.once('error', (error) => lines.destroy(error));
  let line = 0;
  try {
    for await (const chunk of lines as AsyncIterable<string>) {
      line += 1;
      if (chunk.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(chunk);
      } catch {
        throw new LicenseFileError('not a JSON object', line);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new LicenseFileError('not a JSON object', line);
      }
      const unknown = Object.keys(parsed).filter((field) => !isColumn(field));
      if (unknown.length > 0) throw new LicenseFileError(`unknown fields: ${unknown.join(', ')}`, line);
      const missing = REQUIRED_LICENSE_FILE_COLUMNS.filter((column) => !(column in parsed));
      // `key` may be left out of a pending license's object, as any absent value.
      const reallyMissing = missing.filter((column) => column !== 'key');
      if (reallyMissing.length > 0) throw new LicenseFileError(`missing fields: ${reallyMissing.join(', ')}`, line);
      yield { line, fields: parsed };
    }
  } catch (error) {
    if (error instanceof Error && /maximum buffer reached/i.test(error.message)) {
      throw new LicenseFileError(`a line longer than ${MAX_LINE_BYTES} bytes`, line + 1);
    }
    throw error;
  }
}

function isColumn(name: string): name is LicenseFileColumn {
  return (LICENSE_FILE_COLUMNS as readonly string[]).includes(name);
}

/** The header row, checked: known columns only, each once, every required one present. */
function checkedHeader(header: string[]): string[] {
  const unknown = header.filter((column) => !isColumn(column));
  if (unknown.length > 0) {
    throw new LicenseFileError(
      `unknown columns: ${unknown.join(', ')} (the columns are ${LICENSE_FILE_COLUMNS.join(', ')})`,
      1,
    );
  }
  const repeated = header.filter((column, index) => header.indexOf(column) !== index);
  if (repeated.length > 0) throw new LicenseFileError(`columns given twice: ${repeated.join(', ')}`, 1);
  const missing = REQUIRED_LICENSE_FILE_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) throw new LicenseFileError(`missing columns: ${missing.join(', ')}`, 1);
  return header;
}

/**
 * Bytes to text that must be UTF-8: TextDecoder in fatal mode, streaming (a character split across chunks is
 * kept for the next one), so another encoding fails at once instead of turning into replacement characters.
 */
class StrictUtf8Decoder extends Transform {
  // The decoder drops a byte order mark at the start, for CSV and JSON Lines alike.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private bytes = 0;

  constructor(private readonly onBytes: (bytes: number) => void) {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      callback(null, this.decoder.decode(chunk, { stream: true }));
      this.bytes += chunk.length;
      this.onBytes(this.bytes);
    } catch {
      callback(new LicenseFileError(`the file is not UTF-8 (near byte ${this.bytes})`));
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      callback(null, this.decoder.decode());
    } catch {
      callback(new LicenseFileError('the file is not UTF-8 (it ends inside a character)'));
    }
  }
}
