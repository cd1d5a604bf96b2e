import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { buildMessage, IsObject, isISO8601, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';

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
