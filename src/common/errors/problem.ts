import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../database/database-errors';
import { DomainError } from './domain-error';
import { ErrorCode, errorStatus, titleOf } from './error-codes';

/** An RFC 9457 problem document with the service's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  [extra: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The `Retry-After` of a 503 while the database cannot be reached: a restart or a fail-over takes seconds, and
 * a client that waits this long spares a database coming back a burst of retries.
 */
export const DATABASE_UNAVAILABLE_RETRY_SECONDS = 5;

const CODE_OF_HTTP_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** What body-parser attaches to the errors it raises before any handler runs. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number' &&
    (error as BodyParserError).status >= 400 &&
    (error as BodyParserError).status < 500
  );
}

export function problem(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  return {
    ...extra,
    type: `urn:licensor:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(code),
    status: errorStatus(code),
    detail,
    code,
  };
}

/**
 * Maps anything thrown while serving a request to the problem the client sees. Unknown errors become a
 * bare 500: their message may hold internals, so only the log gets it (`expected: false`). A database that
 * cannot be reached is a 503 SERVICE_UNAVAILABLE with `Retry-After`, so that an outage never reads as a wrong
 * key or a missing license; it stays `expected: false`, since operators must see it in the log.
 */
export function toProblem(error: unknown): { problem: Problem; expected: boolean } {
  if (error instanceof DomainError) {
    return { problem: problem(error.code, error.detail, error.extra), expected: true };
  }
  // An adapter may wrap body-parser's errors in an HttpException whose cause is the original.
  const bodyError = error instanceof HttpException ? error.cause : error;
  if (isBodyParserError(bodyError)) {
    if (bodyError.type === 'entity.parse.failed') {
      return { problem: problem('MALFORMED_JSON', 'The request body is not valid JSON.'), expected: true };
    }
    if (bodyError.type === 'entity.too.large') {
      return { problem: problem('PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MB.'), expected: true };
    }
    const code = CODE_OF_HTTP_STATUS[bodyError.status] ?? 'BAD_REQUEST';
    return { problem: problem(code, 'The request body could not be read.'), expected: true };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_OF_HTTP_STATUS[status];
    if (code !== undefined) {
      const detail = status === 404 ? 'No such resource or route.' : httpExceptionMessage(error);
      return { problem: { ...problem(code, detail), status }, expected: true };
    }
  }
  if (isDatabaseUnavailable(error)) {
    return {
      problem: problem(
        'SERVICE_UNAVAILABLE',
        `The database cannot be reached at the moment; retry in ${DATABASE_UNAVAILABLE_RETRY_SECONDS} seconds.`,
        { retryAfterSeconds: DATABASE_UNAVAILABLE_RETRY_SECONDS },
      ),
      expected: false,
    };
  }
  if (isUnstorableCharacter(error)) {
    return {
      problem: problem('BAD_REQUEST', 'The request contains a character that cannot be stored, such as NUL.'),
      expected: true,
    };
  }
  return {
    problem: problem('INTERNAL_ERROR', 'The server could not complete the request; it has been logged.'),
    expected: false,
  };
}

/** An error's whole answer: its status, the headers that go with it, and its problem document. */
export interface ProblemAnswer {
  status: number;
  headers: Record<string, string>;
  body: Problem;
  /** False for a fault of the service (see toProblem), which the log must show. */
  expected: boolean;
}

/**
 * The answer to an error, for every place that answers one: problem+json with the request's id, `WWW-Authenticate`
 * on a 401, and `Retry-After` on a refusal that can be retried later (429 RATE_LIMITED, 503), in whole seconds.
 */
export function problemAnswer(error: unknown, requestId: string | undefined): ProblemAnswer {
  const { problem: body, expected } = toProblem(error);
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE };
  if (body.status === 401) headers['WWW-Authenticate'] = 'Bearer';
  if (typeof body.retryAfterSeconds === 'number') headers['Retry-After'] = String(body.retryAfterSeconds);
  return { status: body.status, headers, body: { ...body, requestId }, expected };
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : error.message;
}

/**
 * PostgreSQL refuses a NUL character (SQLSTATE 22021) or one its encoding cannot hold (22P05) in any text value:
 * that is bad input reaching a query, not a fault of the service.
 */
function isUnstorableCharacter(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown }).code;
  return code === '22021' || code === '22P05';
}
