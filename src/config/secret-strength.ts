import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEnglish from '@zxcvbn-ts/language-en';

/**
 * How guessable a configured secret is, estimated the way password crackers guess: zxcvbn-ts (the maintained
 * TypeScript port of Dropbox's zxcvbn) with its common and English dictionaries finds repeats (`aaaa`,
 * `passwordpassword`), sequences (`abcd`, `6789`), keyboard runs (`qwerty`), dates, years and dictionary words
 * (common passwords, names, English words and Wikipedia's), and prices each; what no pattern explains it prices
 * as brute force, 10 guesses a character. A random secret of n characters thus scores about 10^n guesses.
 */

/** Characters of a secret that are judged: the first 64 (zxcvbn's time grows fast with length). */
export const JUDGED_SECRET_LENGTH = 64;
/**
 * A key (JWT_SECRET, API_KEY_SECRET) must score at least 10^(0.8 × its judged length) guesses: at most a fifth
 * of it may be explained by patterns. Random keys score 0.86–1.0 (hex the lowest); two dictionary words in
 * 32 characters, or half a secret made of one repeated letter, fall below.
 */
export const MIN_UNPREDICTABLE_SHARE = 0.8;
/**
 * A key must also draw on enough different characters: its length × log2(distinct characters) at least 96
 * bits. A long string of 0s and 1s has no pattern zxcvbn prices low, but only one bit a character.
 */
export const MIN_ALPHABET_BITS = 96;
/** The first admin's password must need at least 10^10 guesses (zxcvbn's score 4, "very unguessable"). */
export const MIN_PASSWORD_GUESSES_LOG10 = 10;

export const GENERATE_SECRET_HINT = 'generate one with: openssl rand -base64 48';

let estimator: ZxcvbnFactory | undefined;

/** Built on first use: its dictionaries take a moment to load, and only production needs them. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEnglish.translations,
    maxLength: JUDGED_SECRET_LENGTH,
  });
  return estimator;
}

const PATTERN_NAMES: Partial<Record<string, string>> = {
  repeat: 'repeated text',
  sequence: 'a sequence such as abcd or 6789',
  spatial: 'a keyboard run such as qwerty',
  dictionary: 'dictionary words or common passwords',
  date: 'a date',
  regex: 'a year',
};

/** The patterns zxcvbn found, as a list for a person ("repeated text and a year"). */
function patternsOf(result: ZxcvbnResult): string {
  const names = [
    ...new Set(result.sequence.map((match) => PATTERN_NAMES[match.pattern]).filter((name) => name !== undefined)),
  ];
  if (names.length === 0) return 'predictable patterns';
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Why a key could be guessed, as the end of a sentence ("is guessable: it is made of repeated text"), or
 * undefined for a random-looking one. Pure; about half a second for a 64-character key.
 */
export function keyWeakness(secret: string): string | undefined {
  const characters = [...secret];
  const distinct = new Set(characters).size;
  const alphabetBits = characters.length * Math.log2(Math.max(distinct, 1));
  if (alphabetBits < MIN_ALPHABET_BITS) {
    return (
      `is guessable: it uses only ${distinct} different characters, about ${Math.floor(alphabetBits)} bits ` +
      `(at least ${MIN_ALPHABET_BITS} are needed)`
    );
  }
  const judged = secret.slice(0, JUDGED_SECRET_LENGTH);
  const result = zxcvbn().check(judged);
  if (result.guessesLog10 < MIN_UNPREDICTABLE_SHARE * judged.length) {
    return `is guessable: it is made of ${patternsOf(result)}`;
  }
  return undefined;
}

/**
 * Why a password could be guessed, or undefined when it needs at least 10^10 guesses. `related` are words a
 * guesser would try first (the account's e-mail address and its parts).
 */
export function passwordWeakness(password: string, related: string[] = []): string | undefined {
  const result = zxcvbn().check(password.slice(0, JUDGED_SECRET_LENGTH), related);
  if (result.guessesLog10 >= MIN_PASSWORD_GUESSES_LOG10) return undefined;
  return `is guessable in about 10^${Math.floor(result.guessesLog10)} guesses: it is made of ${patternsOf(result)}`;
}
