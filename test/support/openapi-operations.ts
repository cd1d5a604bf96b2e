import type { OpenAPIObject, OperationObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import type { Test } from 'supertest';

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface DocumentedOperation {
  /** `METHOD path` as the document spells the path: `POST /v1/licenses/{id}/revoke`. */
  key: string;
  method: HttpMethod;
  path: string;
  operation: OperationObject;
}

/** Every operation of the document, in its order. */
export function documentedOperations(document: OpenAPIObject): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method] !== undefined).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      method,
      path,
      operation: item[method] as OperationObject,
    })),
  );
}

export interface ExampleRequest {
  /** Path and query parameters that carry an example. */
  parameters: Record<string, string>;
  body?: { type: 'json' | 'form' | 'csv' | 'multipart'; value: unknown };
}

/**
 * What Swagger UI's "Try it out" fills in: the parameters' examples (an enum's first value when there is none) and
 * the body's named example (`example`, else the first one), else one built from the schema's examples.
 */
export function exampleRequest(document: OpenAPIObject, operation: OperationObject, example?: string): ExampleRequest {
  const parameters = Object.fromEntries(
    ((operation.parameters ?? []) as { name: string; in: string; example?: unknown; schema?: SchemaObject }[])
      .filter((parameter) => parameter.in === 'path' || parameter.in === 'query')
      .map(
        (parameter) =>
          [parameter.name, parameter.example ?? parameter.schema?.example ?? parameter.schema?.enum?.[0]] as const,
      )
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([name, value]) => [name, String(value)]),
  );
  const content = (operation.requestBody as { content?: Record<string, { schema?: Schema; examples?: object }> })
    ?.content;
  for (const [mediaType, type] of [
    ['application/json', 'json'],
    ['application/x-www-form-urlencoded', 'form'],
    ['text/csv', 'csv'],
    ['multipart/form-data', 'multipart'],
  ] as const) {
    const media = content?.[mediaType];
    if (media === undefined) continue;
    const named = (media.examples ?? {}) as Record<string, { value: unknown }>;
    const chosen = example !== undefined ? named[example] : Object.values(named)[0];
    if (example !== undefined && chosen === undefined) throw new Error(`No request example named "${example}"`);
    return {
      parameters,
      body: { type, value: chosen !== undefined ? chosen.value : fromSchema(document, media.schema) },
    };
  }
  return { parameters };
}

type Schema = SchemaObject | ReferenceObject;

function fromSchema(document: OpenAPIObject, schema: Schema | undefined): unknown {
  if (schema === undefined) return undefined;
  const ref = (schema as ReferenceObject).$ref;
  if (ref !== undefined) return fromSchema(document, document.components?.schemas?.[ref.split('/').pop() ?? '']);
  const own = schema as SchemaObject;
  if (own.example !== undefined) return own.example;
  if (own.allOf?.[0]) return fromSchema(document, own.allOf[0]);
  if (own.type === 'array' && own.items) return [fromSchema(document, own.items)];
  if (own.properties) {
    return Object.fromEntries(
      Object.entries(own.properties).map(([name, property]) => [name, fromSchema(document, property)]),
    );
  }
  return own.default ?? own.enum?.[0];
}

/** Sends `value` as the body of `request` in the encoding of an example body of `type`. */
export function sendExampleBody(
  request: Test,
  type: NonNullable<ExampleRequest['body']>['type'],
  value: unknown,
): Test {
  switch (type) {
    case 'form':
      return request.type('form').send(value as object);
    case 'csv':
      return request.set('Content-Type', 'text/csv').send(value as string);
    case 'multipart':
      return Object.entries(value as Record<string, unknown>).reduce(
        (multipart, [name, field]) => multipart.field(name, String(field)),
        request,
      );
    case 'json':
      return request.send(value as object);
  }
}
