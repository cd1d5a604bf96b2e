import { phpSerialize } from '../../../test/support/addon-manager';
import { MAX_PHP_DEPTH, PhpSerializeError, phpRecord, phpString, readPhpSerialized } from './php-serialize';

const read = (text: string | Buffer) => readPhpSerialized(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));

describe('readPhpSerialized', () => {
  it('reads the scalars serialize() writes', () => {
    expect(read('N;')).toBeNull();
    expect(read('b:1;')).toBe(true);
    expect(read('b:0;')).toBe(false);
    expect(read('i:-42;')).toBe(-42);
    expect(read('d:0.5;')).toBe(0.5);
    expect(read('d:-1.0E+25;')).toBe(-1e25);
    expect(read('d:INF;')).toBe(Infinity);
    expect(read('s:5:"hello";')).toBe('hello');
  });

  it('counts string lengths in bytes, as PHP does, and keeps quotes and semicolons inside', () => {
    expect(read('s:12:"привет";')).toBe('привет');
    expect(read('s:6:"a";b:1";')).toBe('a";b:1');
  });

  it('reads arrays with integer and string keys, in order, nested', () => {
    const value = read(
      phpSerialize({ action: 'get_statistics', params: { addons: { cp_a: { status: 'A' } } }, 0: 'x' }),
    );
    const fields = phpRecord(value);
    expect([...fields!.keys()]).toEqual(['0', 'action', 'params']);
    expect(fields!.get('action')).toBe('get_statistics');
    const params = phpRecord(fields!.get('params'));
    expect(phpString(phpRecord(phpRecord(params!.get('addons'))!.get('cp_a'))!.get('status'))).toBe('A');
  });

  it.each([
    ['an object', 'O:8:"stdClass":0:{}'],
    ['a custom-serialized object', 'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}'],
    ['an enum', 'E:7:"Foo:Bar";'],
    ['an object inside an array', 'a:1:{s:1:"x";O:8:"stdClass":0:{}}'],
    ['a reference', 'a:2:{i:0;s:1:"a";i:1;R:2;}'],
    ['a value reference', 'a:2:{i:0;s:1:"a";i:1;r:2;}'],
    ['a string longer than the input', 's:100:"short";'],
    ['a string whose length is wrong', 's:3:"hello";'],
    ['more entries than the input holds', 'a:1000000:{}'],
    ['an array key that is an array', 'a:1:{a:0:{}i:1;}'],
    ['a float key', 'a:1:{d:1.5;i:1;}'],
    ['trailing data', 'i:1;i:2;'],
    ['an unterminated integer', 'i:123'],
    ['a bad boolean', 'b:2;'],
    ['an integer beyond 2^53', 'i:99999999999999999999;'],
    ['a negative length', 's:-1:"";'],
    ['nothing', ''],
    ['an unknown type', 'x:1;'],
  ])('refuses %s', (_name, text) => {
    expect(() => read(text)).toThrow(PhpSerializeError);
  });

  it(`refuses arrays nested deeper than ${MAX_PHP_DEPTH} levels, and reads them up to that`, () => {
    const nest = (levels: number) => 'a:1:{i:0;'.repeat(levels) + 'N;' + '}'.repeat(levels);
    expect(() => read(nest(MAX_PHP_DEPTH))).not.toThrow();
    expect(() => read(nest(MAX_PHP_DEPTH + 1))).toThrow(/deeper than 32/);
    expect(() => read(nest(100_000))).toThrow(PhpSerializeError);
  });

  it('never lets a key named __proto__ change a prototype', () => {
    const fields = phpRecord(read('a:1:{s:9:"__proto__";a:1:{s:5:"admin";b:1;}}'));
    expect(fields!.get('__proto__')).toBeInstanceOf(Map);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('phpString', () => {
  it('prints scalars as PHP casts them to string', () => {
    expect(phpString(true)).toBe('1');
    expect(phpString(false)).toBe('');
    expect(phpString(null)).toBe('');
    expect(phpString(12)).toBe('12');
    expect(phpString(new Map())).toBeUndefined();
  });
});
