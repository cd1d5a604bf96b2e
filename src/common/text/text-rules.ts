/**
 * What text the service accepts, as pure functions: text PostgreSQL can store at all (every string of every
 * request), and free text that shows what it says (names, references, reasons and notes that people read in
 * Swagger UI, exports, logs and the shop's back office).
 */

/** A UTF-16 surrogate without its other half: no character, and UTF-8 (so PostgreSQL) cannot hold it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL cannot store `text` as it is, as the end of a sentence; undefined when it can. */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL';
  if (LONE_SURROGATE.test(text)) return 'must be Unicode text; it holds half of a surrogate pair';
  return undefined;
}

/** How a free-text field may be laid out. */
export interface FreeTextOptions {
  /** Tab and newline (U+000A) are allowed: reasons and notes. Names and references are one line. */
  multiline?: boolean;
  /** It must contain at least one visible character (a letter, digit, punctuation or symbol): references. */
  visible?: boolean;
}

/**
 * Bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the marks
 * (U+200E, U+200F, U+061C). They reorder the text around them, so that what is shown is not what is stored.
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/**
 * Characters that show nothing: every format character (zero-width space, joiners, word joiner, BOM, soft
 * hyphen, invisible operators, tag characters, …) and the fillers that render as blanks without being spaces
 * (the Hangul fillers, the blank braille pattern).
 */
const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/u;
/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** `U+202E` for a character. */
export function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why free text could deceive the person who reads it, as the end of a sentence ("must not contain U+202E, a
 * bidirectional control character"), or undefined when it shows what it says: no bidirectional controls, no
 * invisible characters, no controls but tab and newline in multi-line text, and, when asked, a visible
 * character. Text PostgreSQL cannot store is refused too, with {@link unstorableText}'s reason.
 */
export function freeTextFlaw(text: string, options: FreeTextOptions = {}): string | undefined {
  const unstorable = unstorableText(text);
  if (unstorable !== undefined) return unstorable;
  for (const character of text) {
    if (options.multiline === true && (character === '\n' || character === '\t')) continue;
    if (BIDI_CONTROL.test(character)) {
      return `must not contain ${codePointName(character)}, a bidirectional control character that reorders the text around it`;
    }
    if (INVISIBLE.test(character)) {
      return `must not contain ${codePointName(character)}, an invisible character`;
    }
    if (CONTROL.test(character)) {
      return options.multiline === true
        ? `must not contain ${codePointName(character)}, a control character (only tab and newline, U+000A, are allowed)`
        : `must not contain ${codePointName(character)}, a control character or line break (it is one line)`;
    }
  }
  if (options.visible === true && !VISIBLE.test(text)) {
    return 'must contain a visible character (a letter, digit, punctuation mark or symbol)';
  }
  return undefined;
}
