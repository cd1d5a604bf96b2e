/**
 * A strict reader of PHP's `serialize()` format, for what the add-on manager sends inside its envelope.
 *
 * It reads only the plain values `serialize()` writes for arrays, strings, integers, floats, booleans and null.
 * Everything that would make PHP's `unserialize()` build an object (`O:`, `C:`, `E:`) or follow a reference
 * (`r:`, `R:`) is refused, so no input can ever mean more than data. Strings are byte strings in PHP: their
 * length counts bytes, and they are decoded as UTF-8 (the manager sends UTF-8) only once their bytes are cut.
 */

/** A PHP array as read: keys in their order, integer keys as numbers. */
export type PhpArray = Map<string | number, PhpValue>;
export type PhpValue = null | boolean | number | string | PhpArray;

export const MAX_PHP_DEPTH = 32;

export class PhpSerializeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

const INTEGER = /^[+-]?\d{1,19}$/;
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|INF|-INF|NAN)$/;

/** Reads one serialized value that fills the whole input; throws PhpSerializeError on anything else. */
export function readPhpSerialized(input: Buffer, maxDepth = MAX_PHP_DEPTH): PhpValue {
  const reader = new Reader(input, maxDepth);
  const value = reader.value(0);
  if (reader.offset !== input.length) throw new PhpSerializeError('unexpected data after the value', reader.offset);
  return value;
}

class Reader {
  offset = 0;

  constructor(
    private readonly input: Buffer,
    private readonly maxDepth: number,
  ) {}

  value(depth: number): PhpValue {
    const type = this.byte();
    switch (type) {
      case 'N':
        this.expect(';');
        return null;
      case 'b': {
        this.expect(':');
        const flag = this.until(';');
        if (flag !== '0' && flag !== '1') throw this.error('a boolean is b:0 or b:1');
        return flag === '1';
      }
      case 'i':
        this.expect(':');
        return this.integer(this.until(';'));
      case 'd': {
        this.expect(':');
        const text = this.until(';');
        if (!FLOAT.test(text)) throw this.error('not a float');
        return text === 'INF' ? Infinity : text === '-INF' ? -Infinity : text === 'NAN' ? NaN : Number(text);
      }
      case 's':
        return this.string();
      case 'a':
        return this.array(depth);
      case 'O':
      case 'C':
      case 'E':
        throw this.error('objects are not accepted');
      case 'r':
      case 'R':
        throw this.error('references are not accepted');
      default:
        throw this.error(`unknown type ${JSON.stringify(type)}`);
    }
  }

  private string(): string {
    this.expect(':');
    const length = this.length(this.until(':'));
    this.expect('"');
    if (length > this.input.length - this.offset) throw this.error('a string longer than the input');
    const bytes = this.input.subarray(this.offset, this.offset + length);
    this.offset += length;
    this.expect('"');
    this.expect(';');
    return bytes.toString('utf8');
  }

  private array(depth: number): PhpArray {
    if (depth >= this.maxDepth) throw this.error(`arrays nest deeper than ${this.maxDepth} levels`);
    this.expect(':');
    const count = this.length(this.until(':'));
    // Every entry takes at least 8 bytes ("i:0;N;" is 6, but a count beyond the input is false anyway).
    if (count > this.input.length - this.offset) throw this.error('more entries than the input can hold');
    this.expect('{');
    const entries: PhpArray = new Map();
    for (let index = 0; index < count; index++) {
      const keyType = this.peek();
      if (keyType !== 'i' && keyType !== 's') throw this.error('an array key is an integer or a string');
      const key = this.value(depth + 1) as string | number;
      entries.set(key, this.value(depth + 1));
    }
    this.expect('}');
    return entries;
  }

  private integer(text: string): number {
    if (!INTEGER.test(text)) throw this.error('not an integer');
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw this.error('an integer beyond 2^53');
    return value;
  }

  private length(text: string): number {
    if (!/^\d{1,10}$/.test(text)) throw this.error('not a length');
    return Number(text);
  }

  /** The text up to `delimiter` (which is consumed), within a short field: numbers and lengths only. */
  private until(delimiter: string): string {
    const end = this.input.indexOf(delimiter, this.offset, 'latin1');
    if (end === -1 || end - this.offset > 32) throw this.error(`expected ${JSON.stringify(delimiter)}`);
    const text = this.input.toString('latin1', this.offset, end);
    this.offset = end + 1;
    return text;
  }

  private expect(character: string): void {
    if (this.byte() !== character) throw this.error(`expected ${JSON.stringify(character)}`, this.offset - 1);
  }

  private peek(): string {
    if (this.offset >= this.input.length) throw this.error('unexpected end of input');
    return String.fromCharCode(this.input[this.offset]);
  }

  private byte(): string {
    const character = this.peek();
    this.offset++;
    return character;
  }

  private error(message: string, offset = this.offset): PhpSerializeError {
    return new PhpSerializeError(message, offset);
  }
}

/** The entries of a PHP array as a plain record with string keys (PHP's own view: `"1"` and `1` are one key). */
export function phpRecord(value: PhpValue | undefined): Map<string, PhpValue> | undefined {
  if (!(value instanceof Map)) return undefined;
  return new Map([...value].map(([key, entry]) => [String(key), entry]));
}

/** A scalar as PHP would print it with `(string)`; undefined for arrays and absent values. */
export function phpString(value: PhpValue | undefined): string | undefined {
  if (value === undefined || value instanceof Map) return undefined;
  if (value === null || value === false) return '';
  if (value === true) return '1';
  return String(value);
}
