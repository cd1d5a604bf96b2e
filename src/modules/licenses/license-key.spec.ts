import fc from 'fast-check';
import {
  CROCKFORD_BASE32,
  generateLicenseKey,
  GENERATED_KEY_PATTERN,
  isValidSuppliedKey,
  normalizeLicenseKey,
} from './license-key';

/** A random source that returns the given bytes and records what it was asked for. */
function fixedRandom(bytes: number[]): { random: (size: number) => Buffer; requests: number[] } {
  const requests: number[] = [];
  return {
    requests,
    random: (size: number) => {
      requests.push(size);
      return Buffer.from(bytes);
    },
  };
}

describe('generateLicenseKey', () => {
  it('writes the prefix and five groups of five Crockford base32 symbols', () => {
    const keys = Array.from({ length: 1000 }, () => generateLicenseKey('CP'));
    expect(keys.filter((key) => !/^CP(-[0-9A-HJKMNP-TV-Z]{5}){5}$/.test(key))).toEqual([]);
    expect(keys.filter((key) => !GENERATED_KEY_PATTERN.test(key) || key.length !== 2 + 5 * 6)).toEqual([]);
  });

  it.each(['CP', 'A', '7', 'AB12CD34'])('keeps the prefix %p', (prefix) => {
    const key = generateLicenseKey(prefix);
    expect(key.startsWith(`${prefix}-`)).toBe(true);
    expect(key.slice(prefix.length + 1)).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
  });

  it.each(['', 'cp', 'C-P', 'C P', 'TOOLONG99', 'ČP'])('refuses the prefix %p', (prefix) => {
    expect(() => generateLicenseKey(prefix)).toThrow(RangeError);
  });

  it.each([
    ['all-zero bytes', Array<number>(16).fill(0x00), 'CP-00000-00000-00000-00000-00000'],
    ['all-one bits', Array<number>(16).fill(0xff), 'CP-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ'],
    ['bytes 0x00 to 0x0f', [...Array(16).keys()], 'CP-000G4-0R40M-30E20-9185G-R38E1'],
    ['bytes 0xa5', Array<number>(16).fill(0xa5), 'CP-MPJTB-9D5MP-JTB9D-5MPJT-B9D5M'],
    ['only the first bit set', [0x80, ...Array<number>(15).fill(0)], 'CP-G0000-00000-00000-00000-00000'],
    ['only the 125th bit set', [...Array<number>(15).fill(0), 0x08], 'CP-00000-00000-00000-00000-00001'],
    ['only the three unused bits set', [...Array<number>(15).fill(0), 0x07], 'CP-00000-00000-00000-00000-00000'],
  ])('encodes %s exactly: the random source is what the key is made of', (_name, bytes, expected) => {
    const source = fixedRandom(bytes);
    expect(generateLicenseKey('CP', source.random)).toBe(expected);
    expect(source.requests).toEqual([16]);
  });

  it('refuses a random source that returns too few or too many bytes', () => {
    expect(() => generateLicenseKey('CP', fixedRandom(Array<number>(15).fill(0)).random)).toThrow(/15 bytes/);
    expect(() => generateLicenseKey('CP', fixedRandom(Array<number>(17).fill(0)).random)).toThrow(/17 bytes/);
  });

  it('encodes the first 125 bits of any 16 bytes, most significant first', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const key = generateLicenseKey('X', () => Buffer.from(bytes));
        const symbols = key.slice(2).replaceAll('-', '');
        let value = 0n;
        for (const symbol of symbols) value = value * 32n + BigInt(CROCKFORD_BASE32.indexOf(symbol));
        expect(value).toBe(BigInt(`0x${Buffer.from(bytes).toString('hex')}`) >> 3n);
      }),
      { numRuns: 500 },
    );
  });

  describe('100 000 keys from the CSPRNG', () => {
    const keys = Array.from({ length: 100_000 }, () => generateLicenseKey('CP'));

    it('are all distinct, and so are their look-up forms', () => {
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(keys.map(normalizeLicenseKey)).size).toBe(keys.length);
    });

    it('use every symbol of the alphabet about equally, overall and at each position', () => {
      const overall = new Array<number>(32).fill(0);
      const byPosition = Array.from({ length: 25 }, () => new Array<number>(32).fill(0));
      for (const key of keys) {
        const symbols = key.slice(3).replaceAll('-', '');
        for (let i = 0; i < symbols.length; i++) {
          const index = CROCKFORD_BASE32.indexOf(symbols[i]);
          overall[index]++;
          byPosition[i][index]++;
        }
      }
      // 2 500 000 symbols: the mean is 78 125 per symbol, one standard deviation about 275, so ±10% is 28σ
      // overall; at one position the mean is 3 125 and σ about 55, so ±20% is 11σ. Neither can flake.
      const outside = (counts: number[], mean: number, tolerance: number): string[] =>
        counts.flatMap((count, index) =>
          Math.abs(count - mean) < mean * tolerance ? [] : [`${CROCKFORD_BASE32[index]}: ${count}`],
        );
      expect(outside(overall, 78_125, 0.1)).toEqual([]);
      expect(byPosition.map((counts) => outside(counts, 3_125, 0.2))).toEqual(byPosition.map(() => []));
    });

    it('are valid as supplied keys too, so both kinds share one column', () => {
      expect(keys.slice(0, 1000).every(isValidSuppliedKey)).toBe(true);
    });
  });
});

describe('normalizeLicenseKey', () => {
  it.each([
    ['CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE', 'CP7K3QH2M9XDV4T8R0B6WZNQ5JE'],
    ['cp-7k3qh-2m9xd-v4t8r-0b6wz-nq5je', 'CP7K3QH2M9XDV4T8R0B6WZNQ5JE'],
    ['Cp-7K3qh-2m9XD-v4T8r-0b6Wz-nQ5jE', 'CP7K3QH2M9XDV4T8R0B6WZNQ5JE'],
    ['CP7K3QH2M9XDV4T8R0B6WZNQ5JE', 'CP7K3QH2M9XDV4T8R0B6WZNQ5JE'],
    ['  CP 7K3QH 2M9XD V4T8R 0B6WZ NQ5JE  ', 'CP7K3QH2M9XDV4T8R0B6WZNQ5JE'],
    ['CP--7K3QH\t2M9XD\nV4T8R\u00a00B6WZ - NQ5JE', 'CP7K3QH2M9XDV4T8R0B6WZNQ5JE'],
    // no Crockford aliases: in a supplied key O and 0, I, L and 1 are different characters
    ['CP-OIL01', 'CPOIL01'],
    // staff-supplied keys, any printable characters
    ['abcd-efgh-1234', 'ABCDEFGH1234'],
    ['Key With Spaces', 'KEYWITHSPACES'],
    ['a_b.c/d+e=f', 'A_B.C/D+E=F'],
    ['x', 'X'],
    ['---', ''],
    // only ASCII letters change case: no non-ASCII input becomes an ASCII key
    ['ſtraße-ı', 'ſTRAßEı'],
  ])('%p → %p', (key, expected) => {
    expect(normalizeLicenseKey(key)).toBe(expected);
  });

  it('is idempotent, and ignores case, hyphens and spaces added to a generated key', () => {
    const mangled = fc
      .tuple(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.array(fc.constantFrom('', '-', ' ', '--', '\t'), { minLength: 40, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      )
      .map(([bytes, separators, lower]) => {
        const key = generateLicenseKey('CP', () => Buffer.from(bytes));
        const typed = [...key.replaceAll('-', '')]
          .map((c, i) => (lower[i] ? c.toLowerCase() : c) + separators[i])
          .join('');
        return { key, typed };
      });
    fc.assert(
      fc.property(mangled, ({ key, typed }) => {
        expect(normalizeLicenseKey(typed)).toBe(normalizeLicenseKey(key));
        expect(normalizeLicenseKey(normalizeLicenseKey(typed))).toBe(normalizeLicenseKey(typed));
      }),
      { numRuns: 500 },
    );
  });
});

describe('isValidSuppliedKey', () => {
  it.each([
    'A',
    '0',
    'XXXX-YYYY-ZZZZ',
    'cs-cart key 1234',
    'Key  With  Two  Spaces',
    '!"#$%&\'()*+,./:;<=>?@[\\]^_`{|}~',
    'k'.repeat(128),
  ])('accepts %p', (key) => {
    expect(isValidSuppliedKey(key)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['k'.repeat(129), 'longer than 128'],
    [' KEY', 'a leading space'],
    ['KEY ', 'a trailing space'],
    ['KEY\tTWO', 'a tab'],
    ['KEY\nTWO', 'a line break'],
    ['KEY\u0000', 'a NUL'],
    ['KEY\u007f', 'DEL'],
    ['ключ', 'not ASCII'],
    ['café', 'not ASCII'],
    ['KEY\u00a0TWO', 'a no-break space'],
    ['-', 'only a hyphen'],
    ['- -', 'nothing left after normalisation'],
  ])('refuses %p (%s)', (key) => {
    expect(isValidSuppliedKey(key)).toBe(false);
  });

  it('accepts exactly the 1–128 printable ASCII strings without edge spaces and with something left to look up', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme-ascii', maxLength: 140 }),
          fc.string({ unit: 'binary-ascii', maxLength: 140 }),
        ),
        (key) => {
          const expected =
            key.length >= 1 &&
            key.length <= 128 &&
            [...key].every((c) => c >= ' ' && c <= '~') &&
            key.trim() === key &&
            /[^ -]/.test(key);
          expect(isValidSuppliedKey(key)).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
