import { codePointName, freeTextFlaw, unstorableText } from './text-rules';

describe('unstorableText', () => {
  it.each([
    ['a\u0000b', 'must not contain NUL'],
    ['\uD800', 'half of a surrogate pair'],
    ['x\uDC00', 'half of a surrogate pair'],
  ])('refuses %p', (text, reason) => {
    expect(unstorableText(text)).toContain(reason);
  });

  it('accepts any other text, astral characters included', () => {
    expect(unstorableText('Zoë 😀 \u202E')).toBeUndefined();
  });
});

describe('freeTextFlaw', () => {
  it.each([
    'Ivan Petrov',
    'Иван Петров',
    'Zoë Ørsted-Ångström',
    '王芳',
    'محمد علي',
    'שלום',
    'order-100234-renewal',
    'Power Scroll Pagination™ 2.0 (beta) — €49',
    'A thumbs-up 👍 and a flag 🇩🇪',
  ])('accepts the one-line text %p', (text) => {
    expect(freeTextFlaw(text)).toBeUndefined();
    expect(freeTextFlaw(text, { visible: true })).toBeUndefined();
  });

  it.each([
    ['\u202A', 'bidirectional'],
    ['\u202B', 'bidirectional'],
    ['\u202C', 'bidirectional'],
    ['\u202D', 'bidirectional'],
    ['\u202E', 'bidirectional'],
    ['\u2066', 'bidirectional'],
    ['\u2067', 'bidirectional'],
    ['\u2068', 'bidirectional'],
    ['\u2069', 'bidirectional'],
    ['\u200E', 'bidirectional'],
    ['\u200F', 'bidirectional'],
    ['\u061C', 'bidirectional'],
    ['\u200B', 'invisible'],
    ['\u200C', 'invisible'],
    ['\u200D', 'invisible'],
    ['\u2060', 'invisible'],
    ['\u2062', 'invisible'],
    ['\uFEFF', 'invisible'],
    ['\u00AD', 'invisible'],
    ['\u180E', 'invisible'],
    ['\u{E0041}', 'invisible'],
    ['\u3164', 'invisible'],
    ['\u115F', 'invisible'],
    ['\uFFA0', 'invisible'],
    ['\u2800', 'invisible'],
    ['\u0001', 'control'],
    ['\u001B', 'control'],
    ['\u007F', 'control'],
    ['\u0080', 'control'],
    ['\u0085', 'control'],
    ['\u009F', 'control'],
    ['\r', 'control'],
    ['\u2028', 'control'],
    ['\u2029', 'control'],
  ])('refuses %p in one-line and multi-line text, naming it', (character, kind) => {
    const codePoint = codePointName(character);
    for (const options of [{}, { multiline: true }]) {
      const flaw = freeTextFlaw(`Anna ${character}Smith`, options);
      expect(flaw).toContain(`must not contain ${codePoint}, a`);
      expect(flaw).toContain(kind);
    }
  });

  it('allows tab and newline only in multi-line text', () => {
    expect(freeTextFlaw('Refund\n\tof order 100234', { multiline: true })).toBeUndefined();
    expect(freeTextFlaw('Anna\nSmith')).toContain('U+000A, a control character or line break');
    expect(freeTextFlaw('Anna\tSmith')).toContain('U+0009');
    expect(freeTextFlaw('line\r\nbreak', { multiline: true })).toContain('U+000D');
  });

  it.each(['   ', '\u00A0\u3000', '\u0301', ''])('asks for a visible character when told: %p', (text) => {
    expect(freeTextFlaw(text, { visible: true })).toBe(
      'must contain a visible character (a letter, digit, punctuation mark or symbol)',
    );
    expect(freeTextFlaw(text)).toBeUndefined();
  });

  it('reports what PostgreSQL cannot store first', () => {
    expect(freeTextFlaw('a\u0000\u202E')).toBe('must not contain NUL');
  });

  it('names a code point in the U+XXXX form', () => {
    expect(codePointName('\u202E')).toBe('U+202E');
    expect(codePointName('\t')).toBe('U+0009');
    expect(codePointName('\u{E0041}')).toBe('U+E0041');
  });
});
