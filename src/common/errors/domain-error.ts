import { ErrorCode } from './error-codes';

/**
 * The one error that services throw: a stable code, a sentence for a person, and optional fields that
 * the problem document carries as they are (e.g. `errors` of a validation failure, `expected` amounts).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export interface FieldError {
  field: string;
  message: string;
}

export function validationFailed(errors: FieldError[]): DomainError {
  return new DomainError('VALIDATION_FAILED', 'The request has invalid fields; see errors.', { errors });
}

export function notFound(what: string): DomainError {
  return new DomainError('NOT_FOUND', `${what} was not found.`);
}
