import type { OpenAPIObject, OperationObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { ErrorCode, errorStatus } from '../common/errors/error-codes';
import { generateOpenApiJson } from './openapi-document';

/**
 * What a staff user in Swagger UI and a storefront developer rely on, checked on every operation of the
 * generated document, so that a new endpoint cannot land undocumented.
 */
const PUBLIC_OPERATIONS = [
  'GET /.well-known/jwks.json',
  'GET /health',
  'GET /index.php',
  'POST /index.php',
  'GET /metrics',
  'POST /v1/auth/login',
  'POST /v1/auth/token',
  'POST /v1/licenses/verify',
  'GET /v1/downloads/{token}',
  'POST /license_api.php',
  'GET /addon_updates.php',
];
/**
 * Their errors are not problem documents, by their own protocols: RFC 6749, the legacy add-ons' XML, the add-on
 * manager's `{code, error}` and the Upgrade Center's text.
 */
const OWN_ERROR_FORMAT = [
  'POST /v1/auth/token',
  'GET /index.php',
  'POST /index.php',
  'POST /license_api.php',
  'GET /addon_updates.php',
];
const PROBLEM_SCHEMA = '#/components/schemas/ProblemResponseDto';
const WHO = /^(Anyone|Admins|Staff|Storefronts|The storefront)\b/;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;
  let operations: { name: string; operation: OperationObject }[];

  beforeAll(async () => {
    document = JSON.parse(await generateOpenApiJson()) as OpenAPIObject;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method] !== undefined).map((method) => ({
        name: `${method.toUpperCase()} ${path}`,
        operation: item[method] as OperationObject,
      })),
    );
  });

  const each = (check: (name: string, operation: OperationObject) => string[]) =>
    operations.flatMap(({ name, operation }) => check(name, operation).map((problem) => `${name}: ${problem}`));

  it('has operations to check', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it('gives every operation a summary, a description that starts by saying who may call it, and a declared tag', () => {
    const tags = new Set((document.tags ?? []).map((tag) => tag.name));
    expect(
      each((_name, operation) => [
        ...(operation.summary?.trim() ? [] : ['no summary']),
        ...(WHO.test(operation.description ?? '')
          ? []
          : [`description does not start with who: ${operation.description}`]),
        ...((operation.tags ?? []).length > 0 ? [] : ['no tag']),
        ...(operation.tags ?? []).filter((tag) => !tags.has(tag)).map((tag) => `tag "${tag}" is not declared`),
      ]),
    ).toEqual([]);
  });

  it('lets anyone call only the public operations, and asks the others for a bearer token or a staff login', () => {
    const open = operations.filter(({ operation }) => operation.security === undefined).map(({ name }) => name);
    expect(open.sort()).toEqual([...PUBLIC_OPERATIONS].sort());
    expect(
      each((name, operation) =>
        PUBLIC_OPERATIONS.includes(name) ||
        JSON.stringify(operation.security) === JSON.stringify([{ bearer: [] }, { staffLogin: [] }])
          ? []
          : [`security ${JSON.stringify(operation.security)}`],
      ),
    ).toEqual([]);
  });

  it('documents 401 UNAUTHENTICATED and 403 FORBIDDEN on every operation that is not public', () => {
    expect(
      each((name, operation) =>
        PUBLIC_OPERATIONS.includes(name)
          ? []
          : [
              ...(problemCodes(operation, '401').includes('UNAUTHENTICATED') ? [] : ['no 401 UNAUTHENTICATED']),
              ...(problemCodes(operation, '403').includes('FORBIDDEN') ? [] : ['no 403 FORBIDDEN']),
            ],
      ),
    ).toEqual([]);
  });

  it('answers every 4xx with a problem document whose codes belong to that status', () => {
    expect(
      each((name, operation) =>
        Object.entries(operation.responses)
          .filter(([status]) => status.startsWith('4') && !OWN_ERROR_FORMAT.includes(name))
          .flatMap(([status, response]) => {
            const content = (response as { content?: Record<string, { schema?: SchemaObject }> }).content ?? {};
            const schema = content['application/problem+json']?.schema;
            const refersToProblem =
              schema !== undefined &&
              (refOf(schema) === PROBLEM_SCHEMA || (schema.allOf ?? []).some((part) => refOf(part) === PROBLEM_SCHEMA));
            const codes = problemCodes(operation, status);
            return [
              ...(refersToProblem ? [] : [`${status} is not a problem document`]),
              ...(codes.length > 0 ? [] : [`${status} names no code`]),
              ...codes
                .filter((code) => errorStatus(code as ErrorCode) !== Number(status))
                .map((code) => `${status} lists ${code}, whose status is ${errorStatus(code as ErrorCode)}`),
            ];
          }),
      ),
    ).toEqual([]);
  });

  it('has no floating-point numbers: amounts, counts and seconds are integers', () => {
    const numbers: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${at}[${index}]`));
      else if (value !== null && typeof value === 'object') {
        if ((value as SchemaObject).type === 'number') numbers.push(at);
        for (const [key, child] of Object.entries(value)) if (key !== 'example') walk(child, `${at}.${key}`);
      }
    };
    // Except the health check's `responseTime` in milliseconds, which @nestjs/terminus describes.
    walk(Object.fromEntries(Object.entries(document.paths).filter(([path]) => path !== '/health')), 'paths');
    walk(document.components, 'components');
    expect(numbers).toEqual([]);
  });

  it('describes a successful answer of every operation, and every answer in words', () => {
    expect(
      each((_name, operation) => [
        ...(Object.keys(operation.responses).some((status) => /^2/.test(status)) ? [] : ['no 2xx']),
        ...Object.entries(operation.responses)
          .filter(([, response]) => !(response as { description?: string }).description)
          .map(([status]) => `${status} has no description`),
      ]),
    ).toEqual([]);
  });

  it('gives every field of a JSON request an example, an enum or a default, so that "Try it out" runs as it is', () => {
    const schemas = document.components?.schemas ?? {};
    const missing = (schema: SchemaObject | ReferenceObject, where: string, seen: Set<string>): string[] => {
      const ref = refOf(schema);
      if (ref !== undefined) {
        if (seen.has(ref)) return [];
        return missing(schemas[ref.replace('#/components/schemas/', '')], ref, new Set([...seen, ref]));
      }
      const object = schema as SchemaObject;
      if (object.type === 'array' && object.items) return missing(object.items, `${where}[]`, seen);
      if (object.properties) {
        return Object.entries(object.properties).flatMap(([name, property]) => {
          const own = property as SchemaObject;
          const documented = own.example !== undefined || own.enum !== undefined || own.default !== undefined;
          return refOf(property) !== undefined || own.type === 'object' || own.type === 'array' || own.allOf
            ? missing(own.allOf?.[0] ?? property, `${where}.${name}`, seen)
            : documented
              ? []
              : [`${where}.${name}`];
        });
      }
      return [];
    };
    expect(
      each((_name, operation) => {
        const body = (
          operation.requestBody as { content?: Record<string, { schema?: SchemaObject; examples?: object }> }
        )?.content?.['application/json'];
        if (body?.schema === undefined || body.examples !== undefined) return [];
        return missing(body.schema, 'body', new Set()).map((field) => `no example for ${field}`);
      }),
    ).toEqual([]);
  });
});

function refOf(schema: SchemaObject | ReferenceObject): string | undefined {
  return (schema as ReferenceObject).$ref;
}

/** The codes a problem answer declares (its `code` enum). */
function problemCodes(operation: OperationObject, status: string): string[] {
  const response = operation.responses[status] as { content?: Record<string, { schema?: SchemaObject }> } | undefined;
  const schema = response?.content?.['application/problem+json']?.schema;
  const code = (schema?.allOf ?? [])
    .map((part) => (part as SchemaObject).properties?.code as SchemaObject | undefined)
    .find((property) => property?.enum !== undefined);
  return (code?.enum ?? []) as string[];
}
