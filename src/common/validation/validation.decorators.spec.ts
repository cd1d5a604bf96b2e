import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { IsFreeText, isDateTimeString, IsQueryInteger, parseQueryInteger } from './validation.decorators';

describe('isDateTimeString', () => {
  it.each([
    '2026-03-02T09:00:00Z',
    '2026-03-02T12:00:00+03:00',
    '2026-03-02T09:00:00.123Z',
    '2026-03-02T09:00:00.123456-05:30',
    '2024-02-29T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(isDateTimeString(value)).toBe(true);
  });

  it.each<unknown>([
    '2026-03-02',
    '2026-03-02T09:00:00',
    '2026-03-02T09:00Z',
    '2026-03-02 09:00:00Z',
    '2026-02-30T09:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-03-02T24:00:00Z',
    '2026-13-01T00:00:00Z',
    'yesterday',
    '',
    1767225600000,
    null,
    undefined,
  ])('refuses %p', (value) => {
    expect(isDateTimeString(value)).toBe(false);
  });
});

describe('parseQueryInteger', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    ['12', 12],
    ['100', 100],
    ['10000000', 10_000_000],
  ])('reads %p as %p', (text, number) => {
    expect(parseQueryInteger(text)).toBe(number);
  });

  it.each(['0x0c', '1e1', '1e2', '  12', ' 12', '12 ', '+12', '-1', '012', '00', '12.0', '1.5', '', 'twelve', '٣'])(
    'leaves %p as text for the validator to refuse',
    (text) => {
      expect(parseQueryInteger(text)).toBe(text);
    },
  );

  it('leaves repeated parameters as the list they are', () => {
    expect(parseQueryInteger(['1', '2'])).toEqual(['1', '2']);
  });
});

describe('IsQueryInteger and IsFreeText', () => {
  class Query {
    @IsQueryInteger({ min: 1, max: 36 })
    months: number;
  }

  class Reason {
    @IsFreeText({ multiline: true })
    reason: string;

    @IsFreeText({ visible: true })
    reference: string;
  }

  const messages = async (type: new () => object, plain: object): Promise<string[]> =>
    (await validate(plainToInstance(type, plain))).flatMap((error) => Object.values(error.constraints ?? {}));

  it('reads canonical digits and refuses any other spelling with one message', async () => {
    await expect(messages(Query, { months: '12' })).resolves.toEqual([]);
    for (const months of ['0x0c', '1e1', '  12', '0', '37', ['12', '12']]) {
      await expect(messages(Query, { months })).resolves.toEqual([
        'months must be a whole number from 1 to 36 in decimal digits, e.g. 1',
      ]);
    }
  });

  it('names the field and the character it must not contain', async () => {
    await expect(messages(Reason, { reason: 'Refund\nof order 1', reference: 'PAY-1' })).resolves.toEqual([]);
    await expect(messages(Reason, { reason: 'Refund \u202Eof', reference: '\u200B' })).resolves.toEqual([
      'reason must not contain U+202E, a bidirectional control character that reorders the text around it',
      'reference must not contain U+200B, an invisible character',
    ]);
    await expect(messages(Reason, { reason: 'ok', reference: ' - ' })).resolves.toEqual([]);
    await expect(messages(Reason, { reason: 'ok', reference: '\u00A0' })).resolves.toEqual([
      'reference must contain a visible character (a letter, digit, punctuation mark or symbol)',
    ]);
  });
});
