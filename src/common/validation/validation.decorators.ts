import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { buildMessage, IsObject, isISO8601, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { FreeTextOptions, freeTextFlaw } from '../text/text-rules';

/**
 * The property may be left out, but when present it must pass its other validators; unlike `@IsOptional()`
 * it does not let `null` through, so a non-nullable column never meets a null.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 / ISO 8601 date-time with seconds and an explicit offset (`2026-03-02T09:00:00Z`,
 * `2026-03-02T12:00:00+03:00`), a real calendar date; a bare date or a local time is ambiguous and refused.
 */
export function isDateTimeString(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    DATE_TIME.test(value) &&
    isISO8601(value, { strict: true, strictSeparator: true }) &&
    !Number.isNaN(Date.parse(value))
  );
}

export function IsDateTimeString(): PropertyDecorator {
  return ValidateBy({
    name: 'isDateTimeString',
    validator: {
      validate: (value: unknown) => isDateTimeString(value),
      defaultMessage: buildMessage(
        (eachPrefix) =>
          `${eachPrefix}$property must be an ISO 8601 date-time with a time zone offset, e.g. 2026-03-02T09:00:00Z`,
      ),
    },
  });
}

/** Trims a string before it is validated; other values pass untouched so their own validators reject them. */
export function Trim(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
}

/**
 * A nested DTO, validated as its class says: an object, or with `each` an array of objects. `@ValidateNested`
 * alone lets an array stand for an object (and a nested array for an element), which would reach a service
 * as the wrong shape. Says nothing of presence: pair it with `@IsDefined()` or `@IsOptionalNotNull()`.
 */
export function NestedDto(type: () => new () => object, options: { each?: boolean } = {}): PropertyDecorator {
  return applyDecorators(IsObject({ each: options.each }), ValidateNested({ each: options.each }), Type(type));
}

/**
 * Free text that a person reads (a name, a payment reference, a reason, notes) must show what it says: no
 * bidirectional controls (U+202A–U+202E, U+2066–U+2069, the marks), no invisible characters (zero-width
 * characters, U+2060, BOM, tags, fillers), no control characters but, with `multiline`, tab and newline; with
 * `visible`, at least one visible character. Other types pass: `@IsString()` reports them.
 */
export function IsFreeText(options: FreeTextOptions = {}): PropertyDecorator {
  return ValidateBy({
    name: 'isFreeText',
    constraints: [options],
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || freeTextFlaw(value, options) === undefined,
      defaultMessage: (args) =>
        `${args?.property ?? 'text'} ${typeof args?.value === 'string' ? freeTextFlaw(args.value, options) : 'must be text'}`,
    },
  });
}

/** A whole number as a query string writes it canonically: decimal digits, no sign, no leading zero. */
const DECIMAL_DIGITS = /^(0|[1-9][0-9]{0,15})$/;

/**
 * A query parameter's text as a number when it is canonical decimal digits (`12`), or as it came: `0x0c`,
 * `1e1`, ` 12`, `+12`, `012`, `12.0` and repeated parameters stay text, which the validator then refuses,
 * where `Number()` would have read 12, 10 and 12 without a word.
 */
export function parseQueryInteger(value: unknown): unknown {
  return typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value;
}

/**
 * A whole number from `min` to `max` in the query string, written in decimal digits only; anything else is
 * 400 VALIDATION_FAILED with one message that says what is expected. Presence is another decorator's
 * business (`@IsOptional()`); the Swagger schema is the property's `@ApiProperty`.
 */
export function IsQueryInteger(range: { min: number; max: number }): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => parseQueryInteger(value)),
    ValidateBy({
      name: 'isQueryInteger',
      constraints: [range.min, range.max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isSafeInteger(value) && value >= range.min && value <= range.max,
        defaultMessage: buildMessage(
          (eachPrefix) =>
            `${eachPrefix}$property must be a whole number from ${range.min} to ${range.max} in decimal digits, e.g. ${range.min}`,
        ),
      },
    }),
  );
}
