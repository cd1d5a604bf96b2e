import { spawnSync } from 'node:child_process';

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

/** What zxcvbn makes of a text: log10 of the guesses it needs, and the kinds of pattern it found. */
interface Estimate {
  guessesLog10: number;
  patterns: string[];
}

/**
 * The estimator, run by a child process (its arguments: the resolved paths of zxcvbn-ts's core, common and English
 * packages; its input: `{text, related}` as JSON; its output: an {@link Estimate} as JSON).
 */
const ESTIMATOR = `
const [core, common, english] = process.argv.slice(1).map((path) => require(path));
const { text, related } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const result = new core.ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
  maxLength: ${JUDGED_SECRET_LENGTH},
}).check(text, related);
process.stdout.write(JSON.stringify({
  guessesLog10: result.guessesLog10,
  patterns: result.sequence.map((match) => match.pattern),
}));`;

/**
 * zxcvbn's estimate of `text`, made in a child process that exits when done: its dictionaries take some 90 MiB
 * that V8 would otherwise keep for the life of the service, for a check made once at start-up. Throws when the
 * estimate cannot be made.
 */
function estimate(text: string, related: string[] = []): Estimate {
  const packages = ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'];
  const child = spawnSync(process.execPath, ['-e', ESTIMATOR, ...packages.map((name) => require.resolve(name))], {
    input: JSON.stringify({ text: text.slice(0, JUDGED_SECRET_LENGTH), related }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) {
    throw new Error(`The strength of a secret could not be estimated: ${child.error?.message ?? child.stderr}`);
  }
  return JSON.parse(child.stdout) as Estimate;
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
function patternsOf(result: Estimate): string {
  const names = [
    ...new Set(result.patterns.map((pattern) => PATTERN_NAMES[pattern]).filter((name) => name !== undefined)),
  ];
  if (names.length === 0) return 'predictable patterns';
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Why a key could be guessed, as the end of a sentence ("is guessable: it is made of repeated text"), or
 * undefined for a random-looking one. About half a second for a 64-character key (a child process).
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
  const result = estimate(secret);
  if (result.guessesLog10 < MIN_UNPREDICTABLE_SHARE * Math.min(secret.length, JUDGED_SECRET_LENGTH)) {
    return `is guessable: it is made of ${patternsOf(result)}`;
  }
  return undefined;
}

/**
 * Why a password could be guessed, or undefined when it needs at least 10^10 guesses. `related` are words a
 * guesser would try first (the account's e-mail address and its parts).
 */
export function passwordWeakness(password: string, related: string[] = []): string | undefined {
  const result = estimate(password, related);
  if (result.guessesLog10 >= MIN_PASSWORD_GUESSES_LOG10) return undefined;
  return `is guessable in about 10^${Math.floor(result.guessesLog10)} guesses: it is made of ${patternsOf(result)}`;
}
