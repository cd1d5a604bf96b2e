import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_STATUS, ErrorCode } from '../errors/error-codes';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { ProblemResponseDto } from './problem-response.dto';

/**
 * Declares the error answers of an operation in Swagger, grouped by status, with the codes each may carry:
 * `@ApiProblems('VALIDATION_FAILED', 'SKU_TAKEN')`.
 */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return applyDecorators(
    ...[...byStatus.entries()].map(([status, statusCodes]) =>
      ApiResponse({
        status,
        description: `Problem with code ${statusCodes.join(' or ')}.`,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponseDto) } } },
      }),
    ),
  );
}
