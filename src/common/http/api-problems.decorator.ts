import { DECORATORS, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode, errorStatus, registeredErrorCodes } from '../errors/error-codes';
import { problem, PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { ProblemResponseDto } from './problem-response.dto';

const PROBLEM_CODES = 'licensor:problem-codes';
type CodesByStatus = Record<number, ErrorCode[]>;

/**
 * Codes that come with another wherever it is declared. An operation that authenticates its caller (`@Allow`
 * declares its 401 UNAUTHENTICATED) looks a storefront API key up in the database, and answers 503
 * SERVICE_UNAVAILABLE rather than 401 while the database cannot be reached (see toProblem).
 */
const IMPLIED: Partial<Record<ErrorCode, ErrorCode[]>> = { UNAUTHENTICATED: ['SERVICE_UNAVAILABLE'] };

/**
 * Declares the error answers of an operation in Swagger, one per status, each with the codes it may carry
 * (in its description, as an enum of `code`, and as one example per code):
 * `@ApiProblems('VALIDATION_FAILED', 'SKU_TAKEN')`.
 *
 * Several declarations add up (an operation's own, `@Allow`'s 401/403, `@Idempotent`'s 422), also when one is
 * on the controller and another on the method. Swagger keeps one answer per status and lets the method's hide
 * the controller's, so the codes are kept here and each answer is rewritten with all of them.
 */
export function ApiProblems(...named: ErrorCode[]): MethodDecorator & ClassDecorator {
  const codes = [...new Set(named.flatMap((code) => [code, ...(IMPLIED[code] ?? [])]))];
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor !== undefined) {
      addProblems(descriptor.value as object, codes);
      return;
    }
    addProblems(target, codes);
    // Class decorators run after method ones: merge into the method answers that would hide these.
    const prototype = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name)?.value as object | undefined;
      if (typeof method !== 'function' || !Reflect.hasOwnMetadata(PROBLEM_CODES, method)) continue;
      const declared = Reflect.getOwnMetadata(PROBLEM_CODES, method) as CodesByStatus;
      const hidden = codes.filter((code) => declared[errorStatus(code)] !== undefined);
      if (hidden.length > 0) addProblems(method, hidden);
    }
  };
}

function addProblems(holder: object, codes: ErrorCode[]): void {
  const byStatus: CodesByStatus = { ...((Reflect.getOwnMetadata(PROBLEM_CODES, holder) as CodesByStatus) ?? {}) };
  // Codes are listed in the order of the status tables, whatever the order of the decorators.
  const order = registeredErrorCodes();
  for (const code of codes) {
    const status = errorStatus(code);
    byStatus[status] = [...new Set([...(byStatus[status] ?? []), code])].sort(
      (a, b) => order.indexOf(a) - order.indexOf(b),
    );
  }
  Reflect.defineMetadata(PROBLEM_CODES, byStatus, holder);
  const statuses = [...new Set(codes.map((code) => errorStatus(code)))];
  const responses = (Reflect.getOwnMetadata(DECORATORS.API_RESPONSE, holder) as Record<string, unknown>) ?? {};
  Reflect.defineMetadata(
    DECORATORS.API_RESPONSE,
    { ...responses, ...Object.fromEntries(statuses.map((status) => [status, problemResponse(byStatus[status])])) },
    holder,
  );
}

function problemResponse(codes: ErrorCode[]): object {
  return {
    description: `Problem with code ${codes.join(' or ')}.`,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: {
          allOf: [
            { $ref: getSchemaPath(ProblemResponseDto) },
            { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } },
          ],
        },
        examples: Object.fromEntries(
          codes.map((code) => [
            code,
            {
              value: {
                ...problem(code, 'What went wrong, in a sentence for a person.'),
                requestId: EXAMPLE_REQUEST_ID,
              },
            },
          ]),
        ),
      },
    },
  };
}

const EXAMPLE_REQUEST_ID = '5d0b6c9e-8f1c-4a8e-9a43-7d6c1f0a2b3c';
