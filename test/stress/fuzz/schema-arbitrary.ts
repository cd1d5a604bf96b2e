import type { OpenAPIObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import fc from 'fast-check';
import { hostileJsonValue, OMITTED } from './hostile-values';

type Schema = SchemaObject | ReferenceObject;

/**
 * Values of the seeded data by field or parameter name (`sku`, `licenseKey`, `id`, …), so that a generated
 * request sometimes names a row that exists and reaches the rules behind validation.
 */
export type RealValues = Readonly<Record<string, fc.Arbitrary<string>>>;

export interface ValueContext {
  document: OpenAPIObject;
  real: RealValues;
}

/** A `$ref` or an `allOf`, as the one schema it stands for. */
export function resolveSchema(document: OpenAPIObject, schema: Schema | undefined): SchemaObject {
  if (schema === undefined) return {};
  const ref = (schema as ReferenceObject).$ref;
  if (ref !== undefined) {
    return resolveSchema(document, document.components?.schemas?.[ref.replace('#/components/schemas/', '')]);
  }
  const own = schema as SchemaObject;
  if (own.allOf !== undefined && own.allOf.length > 0) {
    return Object.assign({}, ...own.allOf.map((part) => resolveSchema(document, part)), { ...own, allOf: undefined });
  }
  return own;
}

/**
 * A value that `schema` allows, for a field or parameter called `name`: a real value of the seeded data, the
 * documented example, or one generated from the schema's type, format, pattern and limits.
 */
export function validValue(schema: Schema | undefined, name: string, context: ValueContext): fc.Arbitrary<unknown> {
  const resolved = resolveSchema(context.document, schema);
  const choices: fc.WeightedArbitrary<unknown>[] = [{ weight: 4, arbitrary: generated(resolved, name, context) }];
  const real = context.real[name];
  if (real !== undefined && resolved.type !== 'object' && resolved.type !== 'array') {
    choices.push({ weight: 4, arbitrary: real });
  }
  if (resolved.example !== undefined && typeof resolved.example !== 'object') {
    choices.push({ weight: 1, arbitrary: fc.constant(resolved.example) });
  }
  if (resolved.nullable === true) choices.push({ weight: 1, arbitrary: fc.constant(null) });
  return fc.oneof(...choices);
}

/**
 * A value with exactly one thing wrong somewhere inside, so that the rest gets past validation and the one fault
 * is what the service must handle: a member of another type, huge, deeply nested or just past a limit; a
 * required member missing; a member no schema has.
 */
export function mutatedValue(schema: Schema | undefined, name: string, context: ValueContext): fc.Arbitrary<unknown> {
  const resolved = resolveSchema(context.document, schema);
  const anywhere: fc.WeightedArbitrary<unknown>[] = [{ weight: 2, arbitrary: hostileJsonValue }];
  const boundary = boundaryValue(resolved);
  if (boundary !== undefined) anywhere.push({ weight: 2, arbitrary: boundary });
  if (resolved.type === 'object') {
    const valid = validValue(resolved, name, context);
    anywhere.push(
      { weight: 6, arbitrary: mutatedObject(resolved, context) },
      // An object and an array are both `typeof 'object'`: a list where one object belongs, empty or not.
      { weight: 1, arbitrary: fc.array(valid, { maxLength: 2 }) },
    );
  }
  if (resolved.type === 'array') {
    const item = validValue(resolved.items, name, context);
    anywhere.push(
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.array(item, { maxLength: 2 }), mutatedValue(resolved.items, name, context))
          .map(([valid, mutated]) => [...valid, mutated]),
      },
      // One item where a list belongs, and lists where items belong.
      { weight: 1, arbitrary: item },
      { weight: 1, arbitrary: fc.array(fc.array(item, { maxLength: 1 }), { minLength: 1, maxLength: 2 }) },
    );
  }
  return fc.oneof(...anywhere);
}

/** Names no DTO has: the validation must refuse them, and nothing may read them (prototype pollution). */
const UNKNOWN_KEYS = ['__proto__', 'constructor', 'isAdmin', 'role', '', ' ', 'ключ', 'a'.repeat(1000), '\u0000'];

function mutatedObject(schema: SchemaObject, context: ValueContext): fc.Arbitrary<unknown> {
  const properties = Object.keys(schema.properties ?? {});
  const valid = objectValue(schema, context);
  const faults: fc.WeightedArbitrary<unknown>[] = [
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...UNKNOWN_KEYS), hostileJsonValue)
        .map(([object, key, value]) => withMember(object, key, value)),
    },
  ];
  if (properties.length > 0) {
    faults.push({
      weight: 4,
      arbitrary: fc
        .constantFrom(...properties)
        .chain((property) =>
          fc
            .tuple(valid, mutatedValue(schema.properties?.[property], property, context))
            .map(([object, value]) => withMember(object, property, value)),
        ),
    });
  }
  if ((schema.required ?? []).length > 0) {
    faults.push({
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...(schema.required ?? [])))
        .map(([object, property]) => withMember(object, property, OMITTED)),
    });
  }
  return fc.oneof(...faults);
}

/** `object` with `key` set to `value`; a `__proto__` key becomes a member of its own, as JSON.parse makes it. */
function withMember(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A value of the schema's own type, within its limits. */
function generated(schema: SchemaObject, name: string, context: ValueContext): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.type === 'object') return objectValue(schema, context);
  if (schema.type === 'array') {
    const minLength = schema.minItems ?? 0;
    return fc.array(validValue(schema.items, name, context), {
      minLength,
      maxLength: Math.min(schema.maxItems ?? 3, minLength + 3),
    });
  }
  if (schema.type === 'integer') {
    return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
  }
  if (schema.type === 'number') {
    return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
  }
  if (schema.type === 'boolean') return fc.boolean();
  return stringValue(schema);
}

/** Every required member, and each optional one more often than not. */
function objectValue(schema: SchemaObject, context: ValueContext): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  return fc.record(
    Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([property, propertySchema]) => {
        const value = validValue(propertySchema, property, context);
        return [
          property,
          required.has(property)
            ? value
            : fc.oneof({ weight: 2, arbitrary: value }, { weight: 1, arbitrary: fc.constant(OMITTED) }),
        ];
      }),
    ),
  );
}

/** A string of the schema's format or pattern, within its lengths. */
function stringValue(schema: SchemaObject): fc.Arbitrary<string> {
  const maxLength = schema.maxLength ?? 64;
  const minLength = schema.minLength ?? 0;
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-01-01T00:00:00Z'), noInvalidDate: true })
      .map((date) => date.toISOString());
  }
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'uri') return fc.webUrl({ size: 'small' }).filter((url) => url.length <= maxLength);
  if (schema.format === 'email') {
    return fc.emailAddress({ size: 'small' }).filter((email) => email.length <= maxLength);
  }
  if (schema.pattern !== undefined) {
    return fc
      .stringMatching(new RegExp(schema.pattern), { size: 'small' })
      .filter((value) => value.length >= minLength && value.length <= maxLength);
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, Math.max(minLength, 40)), unit: 'grapheme' });
}

/** Just outside what the schema allows, or just at its edge: one character too many, one past a limit. */
function boundaryValue(schema: SchemaObject): fc.Arbitrary<unknown> | undefined {
  if (schema.type === 'integer' || schema.type === 'number') {
    const edges = [
      schema.minimum === undefined ? undefined : schema.minimum - 1,
      schema.maximum === undefined ? undefined : schema.maximum + 1,
      schema.minimum,
      schema.maximum,
    ].filter((edge): edge is number => edge !== undefined);
    return edges.length > 0 ? fc.constantFrom(...edges) : undefined;
  }
  if (schema.enum !== undefined) {
    const near = schema.enum.flatMap((value) => (typeof value === 'string' ? [value.toUpperCase(), ` ${value}`] : []));
    return near.length > 0 ? fc.constantFrom(...near) : undefined;
  }
  if (schema.type === 'string') {
    const lengths = [
      schema.maxLength === undefined ? undefined : schema.maxLength + 1,
      schema.maxLength,
      schema.minLength === undefined || schema.minLength === 0 ? undefined : schema.minLength - 1,
    ].filter((length): length is number => length !== undefined);
    return lengths.length > 0
      ? fc
          .tuple(fc.constantFrom(...lengths), fc.constantFrom('a', 'é', '😀', ' '))
          .map(([length, unit]) => unit.repeat(length))
      : undefined;
  }
  if (schema.type === 'array' && schema.maxItems !== undefined) {
    return fc.constant(Array.from({ length: schema.maxItems + 1 }, () => ({})));
  }
  return undefined;
}
