import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { matchedRoutePath } from '../../src/common/metrics/route-label';
import type { OpenAPIObject, OperationObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';

type Schema = SchemaObject | ReferenceObject;

/**
 * How an answer departs from the OpenAPI document: a status the operation does not declare, a problem `code`
 * its answer does not list, or a field that no schema describes. Empty when it conforms, or when the route is
 * not in the document (Swagger UI itself, the legacy protocol's XML).
 */
export function nonConformities(
  document: OpenAPIObject,
  request: { method: string; routePath?: string },
  status: number,
  contentType: string,
  body: unknown,
): string[] {
  // Any operation may fail unexpectedly; the API description says so once instead of every operation.
  if (request.routePath === undefined || status === 500) return [];
  const path = request.routePath.replace(/:(\w+)/g, '{$1}');
  const operation = (document.paths[path] as Record<string, OperationObject> | undefined)?.[
    request.method.toLowerCase()
  ];
  if (operation === undefined) return [];
  const where = `${request.method.toUpperCase()} ${path} ${status}`;
  const response = operation.responses[String(status)] as { content?: Record<string, { schema?: Schema }> } | undefined;
  if (response === undefined) return [`${where}: status not documented (body ${JSON.stringify(body)})`];
  const mediaType = contentType.split(';')[0].trim();
  const schema = response.content?.[mediaType]?.schema;
  if (schema === undefined) return [`${where}: no schema for ${mediaType}`];
  return undocumented(document, schema, body, '').map((field) => `${where}: ${field}`);
}

function undocumented(document: OpenAPIObject, schema: Schema, value: unknown, at: string): string[] {
  const resolved = resolve(document, schema);
  if (Array.isArray(value)) {
    const items = resolved.items;
    return items === undefined
      ? []
      : value.flatMap((item, index) => undocumented(document, items, item, `${at}[${index}]`));
  }
  if (value === null || typeof value !== 'object') {
    const allowed =
      resolved.enum === undefined || resolved.enum.includes(value) || (value === null && resolved.nullable);
    return !allowed ? [`${at} is ${JSON.stringify(value)}, not one of ${JSON.stringify(resolved.enum)}`] : [];
  }
  const parts = [resolved, ...(resolved.allOf ?? []).map((part) => resolve(document, part))];
  const properties = Object.assign({}, ...parts.map((part) => part.properties ?? {})) as Record<string, Schema>;
  const freeForm =
    parts.some((part) => part.additionalProperties !== undefined && part.additionalProperties !== false) ||
    (Object.keys(properties).length === 0 && (resolved.oneOf ?? resolved.anyOf) === undefined);
  if (resolved.oneOf ?? resolved.anyOf) {
    const alternatives = (resolved.oneOf ?? resolved.anyOf ?? []).map((option) =>
      undocumented(document, option, value, at),
    );
    return alternatives.some((found) => found.length === 0) ? [] : (alternatives[0] ?? []);
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, field]) => {
    const property = properties[key];
    if (property === undefined) return freeForm ? [] : [`${at}.${key} is not documented`];
    return undocumented(document, property, field, `${at}.${key}`);
  });
}

function resolve(document: OpenAPIObject, schema: Schema): SchemaObject {
  const ref = (schema as ReferenceObject).$ref;
  if (ref === undefined) return schema as SchemaObject;
  return resolve(document, document.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? {});
}

/**
 * Checks every JSON answer of the app against its OpenAPI document as it is sent; returns what was found so
 * far, each once. Install it before `app.init()`, so that it runs for every route. Answers a route writes on
 * the Node response itself (streams, the add-on protocols) are not seen.
 */
export function watchConformance(app: NestFastifyApplication, document: OpenAPIObject): () => string[] {
  const found = new Set<string>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (request, reply, payload, done) => {
      const header = reply.getHeader('content-type');
      const contentType = typeof header === 'string' ? header : 'application/json';
      if (typeof payload === 'string' && /json/i.test(contentType)) {
        for (const problem of nonConformities(
          document,
          { method: request.method, routePath: matchedRoutePath(request.raw) as string | undefined },
          reply.statusCode,
          contentType,
          JSON.parse(payload) as unknown,
        )) {
          found.add(problem);
        }
      }
      done(null, payload);
    });
  return () => [...found];
}
