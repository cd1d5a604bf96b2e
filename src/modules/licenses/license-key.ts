import { randomBytes } from 'node:crypto';

/** Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U. */
export const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A vendor's key prefix (the `key_prefix` column, at most 8 characters): upper-case letters and digits. */
export const KEY_PREFIX_PATTERN = /^[A-Z0-9]{1,8}$/;

/** Random bits in a generated key: 25 base32 symbols of 5 bits, in five groups of five. */
export const GENERATED_KEY_BITS = 125;
const SYMBOLS = GENERATED_KEY_BITS / 5;
const GROUP_LENGTH = 5;
const RANDOM_BYTES = Math.ceil(GENERATED_KEY_BITS / 8);

/** The shape of a generated key, e.g. `CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE`. */
export const GENERATED_KEY_PATTERN = /^[A-Z0-9]{1,8}(-[0-9A-HJKMNP-TV-Z]{5}){5}$/;

export const SUPPLIED_KEY_MAX_LENGTH = 128;

/**
 * A key for an instantly issued license: the vendor prefix, then 125 bits from the CSPRNG written as 25 Crockford
 * base32 symbols in groups of five, all joined by hyphens: `CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE`.
 *
 * The bits are the first 125 of 16 random bytes, most significant bit first; each symbol takes five of them, so
 * every symbol is uniform over the alphabet and all-zero bytes give `CP-00000-00000-00000-00000-00000`. The
 * alphabet has no I, L, O or U, so a key read aloud or retyped is not misread. At 125 bits, a billion keys
 * collide with a probability below 10⁻¹⁹; the unique index on the normalised key is the final guard.
 *
 * @param random a source of random bytes, `crypto.randomBytes` unless a test injects one.
 * @throws RangeError for a prefix that does not match {@link KEY_PREFIX_PATTERN}.
 */
export function generateLicenseKey(prefix: string, random: (bytes: number) => Buffer = randomBytes): string {
  if (!KEY_PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(`generateLicenseKey: the prefix must be 1–8 upper-case letters or digits; it is "${prefix}".`);
  }
  const bytes = random(RANDOM_BYTES);
  if (bytes.length !== RANDOM_BYTES) {
    throw new Error(`generateLicenseKey: the random source returned ${bytes.length} bytes instead of ${RANDOM_BYTES}.`);
  }
  let symbols = '';
  let buffer = 0;
  let bufferedBits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bufferedBits += 8;
    while (bufferedBits >= 5 && symbols.length < SYMBOLS) {
      bufferedBits -= 5;
      symbols += CROCKFORD_BASE32[(buffer >> bufferedBits) & 31];
    }
    buffer &= (1 << bufferedBits) - 1;
  }
  const groups: string[] = [];
  for (let i = 0; i < SYMBOLS; i += GROUP_LENGTH) groups.push(symbols.slice(i, i + GROUP_LENGTH));
  return [prefix, ...groups].join('-');
}

/**
 * The look-up form of a key: ASCII letters upper-cased, hyphens (`-`) and whitespace removed. Nothing else
 * changes — no Crockford aliases (O→0, I/L→1), since staff-supplied keys are arbitrary text in which O and 0
 * differ. Generated keys and staff-supplied keys are normalised alike, so `cp-7k3qh 2m9xd…` finds
 * `CP-7K3QH-2M9XD-…`; store this form under the unique index, which makes supplied keys that differ only in
 * case, hyphens or spaces the same key. Only ASCII letters change case, so no non-ASCII input (`ſ`, `ı`)
 * becomes an ASCII key.
 */
export function normalizeLicenseKey(key: string): string {
  return key.replace(/[\s-]+/g, '').replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/**
 * Whether staff may record `key` as a supplied key: 1–128 printable ASCII characters (space to `~`), no leading
 * or trailing space (spaces inside are kept), and something left after normalisation (not only hyphens and
 * spaces).
 */
export function isValidSuppliedKey(key: string): boolean {
  return (
    key.length >= 1 &&
    key.length <= SUPPLIED_KEY_MAX_LENGTH &&
    /^[\x20-\x7E]+$/.test(key) &&
    !key.startsWith(' ') &&
    !key.endsWith(' ') &&
    normalizeLicenseKey(key).length > 0
  );
}
