import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, validationFailed } from './domain-error';
import '../../error-statuses';
import { errorStatus, registeredErrorCodes } from './error-codes';
import { DATABASE_UNAVAILABLE_RETRY_SECONDS, problemAnswer, toProblem } from './problem';

describe('toProblem', () => {
  it('maps a domain error to its status from the one table, with its extra fields', () => {
    const { problem, expected } = toProblem(new DomainError('SKU_TAKEN', 'Taken.', { sku: 'a' }));
    expect(expected).toBe(true);
    expect(problem).toEqual({
      type: 'urn:licensor:problem:sku-taken',
      title: 'Sku taken',
      status: 409,
      detail: 'Taken.',
      code: 'SKU_TAKEN',
      sku: 'a',
    });
  });

  it('never lets extra fields overwrite the problem members', () => {
    const { problem } = toProblem(new DomainError('NOT_FOUND', 'Gone.', { status: 200, code: 'OK' }));
    expect(problem).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('keeps the field errors of a validation failure', () => {
    const { problem } = toProblem(validationFailed([{ field: 'price', message: 'price must not be less than 0' }]));
    expect(problem).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'price', message: 'price must not be less than 0' }],
    });
  });

  it.each([
    [new NotFoundException('Cannot GET /x'), 404, 'NOT_FOUND'],
    [new ForbiddenException(), 403, 'FORBIDDEN'],
    [new BadRequestException('bad'), 400, 'BAD_REQUEST'],
    [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
    [new ServiceUnavailableException(), 503, 'SERVICE_UNAVAILABLE'],
  ])('maps %p to %p %p', (error, status, code) => {
    expect(toProblem(error).problem).toMatchObject({ status, code });
  });

  it('hides the route of a 404 from Nest', () => {
    expect(toProblem(new NotFoundException('Cannot GET /internal/path')).problem.detail).toBe(
      'No such resource or route.',
    );
  });

  it.each([
    [{ type: 'entity.parse.failed', status: 400 }, 400, 'MALFORMED_JSON'],
    [{ type: 'entity.too.large', status: 413 }, 413, 'PAYLOAD_TOO_LARGE'],
    [{ type: 'encoding.unsupported', status: 415 }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('maps the body-parser error %p, bare or wrapped by the Express adapter', (cause, status, code) => {
    const raw = Object.assign(new Error('parser internals'), cause);
    const wrapped = new HttpException('parser internals', cause.status, { cause: raw });
    for (const error of [raw, wrapped]) {
      const { problem } = toProblem(error);
      expect(problem).toMatchObject({ status, code });
      expect(problem.detail).not.toContain('internals');
    }
  });

  it.each<[string, Error]>([
    [
      'a failed query whose connection was lost',
      new QueryFailedError(
        'SELECT id FROM api_clients WHERE key_hash = $1',
        ['secret-hash'],
        new Error('Connection terminated unexpectedly'),
      ),
    ],
    [
      'a pool connect refused (not wrapped)',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
    ],
    [
      'a server shutting down',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
  ])('answers 503 SERVICE_UNAVAILABLE with Retry-After for %s, and logs it', (_case, error) => {
    const { problem, expected } = toProblem(error);
    expect(expected).toBe(false);
    expect(problem).toEqual({
      type: 'urn:licensor:problem:service-unavailable',
      title: 'Service unavailable',
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      detail: `The database cannot be reached at the moment; retry in ${DATABASE_UNAVAILABLE_RETRY_SECONDS} seconds.`,
      retryAfterSeconds: DATABASE_UNAVAILABLE_RETRY_SECONDS,
    });
    expect(DATABASE_UNAVAILABLE_RETRY_SECONDS).toBeGreaterThanOrEqual(1);
    expect(DATABASE_UNAVAILABLE_RETRY_SECONDS).toBeLessThanOrEqual(30);
  });

  it('keeps other failed queries a 500, and a NUL in a value a 400', () => {
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(toProblem(new QueryFailedError('INSERT', [], unique)).problem.code).toBe('INTERNAL_ERROR');
    const nul = Object.assign(new Error('invalid byte sequence'), { code: '22021' });
    expect(toProblem(new QueryFailedError('INSERT', [], nul)).problem.code).toBe('BAD_REQUEST');
  });

  it('turns anything else into a 500 without its message', () => {
    const { problem, expected } = toProblem(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(expected).toBe(false);
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(problem)).not.toContain('secret');
    expect(toProblem('a thrown string').problem.code).toBe('INTERNAL_ERROR');
    expect(toProblem(new HttpException('teapot', 418)).problem.code).toBe('INTERNAL_ERROR');
  });

  it('gives every code a client or server error status', () => {
    for (const code of registeredErrorCodes()) {
      const status = errorStatus(code);
      expect([code, status >= 400 && status < 600]).toEqual([code, true]);
      expect(code).toMatch(/^[A-Z][A-Z_]*[A-Z]$/);
    }
  });
});

describe('problemAnswer', () => {
  it('answers problem+json with the request id', () => {
    const answer = problemAnswer(new DomainError('SKU_TAKEN', 'Taken.'), 'req-1');
    expect(answer).toMatchObject({
      status: 409,
      headers: { 'Content-Type': 'application/problem+json' },
      expected: true,
    });
    expect(answer.body).toMatchObject({ code: 'SKU_TAKEN', requestId: 'req-1' });
    expect(Object.keys(answer.headers)).toEqual(['Content-Type']);
  });

  it('names the scheme on a 401 and says when to retry a refusal that can be retried', () => {
    expect(problemAnswer(new DomainError('UNAUTHENTICATED', 'Log in.'), undefined).headers).toMatchObject({
      'WWW-Authenticate': 'Bearer',
    });
    const limited = problemAnswer(new DomainError('RATE_LIMITED', 'Slow down.', { retryAfterSeconds: 7 }), 'r');
    expect(limited).toMatchObject({ status: 429, headers: { 'Retry-After': '7' } });
  });

  it('marks a fault of the service as unexpected, for the log', () => {
    expect(problemAnswer(new Error('boom'), 'r')).toMatchObject({ status: 500, expected: false });
  });
});
