import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { buildMessage, IsInt, Max, Min, ValidateBy } from 'class-validator';

/** The largest amount (in minor units) the service accepts anywhere: a million in a two-decimal currency. */
export const MAX_MONEY_AMOUNT = 100_000_000;

const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code in upper case that the runtime's ICU data knows (`USD`, `EUR`, `RUB`, …). */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && CURRENCY_CODES.has(value);
}

/** Swagger text of a money field; the schema (integer, bounds, format) comes from the decorator. */
export interface MoneyFieldDocs {
  description?: string;
  example?: number | string;
  required?: boolean;
}

/**
 * An amount of money in minor units of the currency beside it (cents for USD, kopecks for RUB): an integer
 * from 0 to MAX_MONEY_AMOUNT, never a float. Validation and Swagger schema in one decorator.
 */
export function IsMoneyAmount(docs: MoneyFieldDocs = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_MONEY_AMOUNT, example: 4900, ...docs }),
    IsInt(),
    Min(0),
    Max(MAX_MONEY_AMOUNT),
  );
}

/** An ISO 4217 currency code in upper case, e.g. `USD`. Validation and Swagger schema in one decorator. */
export function IsCurrencyCode(docs: MoneyFieldDocs = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: 'string',
      pattern: '^[A-Z]{3}$',
      example: 'USD',
      description: 'ISO 4217 currency code, upper case.',
      ...docs,
    }),
    ValidateBy({
      name: 'isCurrencyCode',
      validator: {
        validate: (value: unknown) => isCurrencyCode(value),
        defaultMessage: buildMessage(
          (eachPrefix) => `${eachPrefix}$property must be an ISO 4217 currency code in upper case, e.g. USD`,
        ),
      },
    }),
  );
}
