import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** The one place where errors become HTTP answers: every error leaves as application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const http = host.switchToHttp();
    // The request's id (requestIdOf), on Fastify's request from its first hook: also before the request log's.
    const { id } = http.getRequest<FastifyRequest>();
    const response = http.getResponse<unknown>();
    const { problem, expected } = toProblem(error);
    const requestId = typeof id === 'string' ? id : undefined;
    if (!expected) this.logger.error({ err: error, requestId }, 'Unexpected error while serving a request');
    if (problem.status === 401) httpAdapter.setHeader(response, 'WWW-Authenticate', 'Bearer');
    // A refusal that can be retried later (429 RATE_LIMITED) says when, in whole seconds.
    if (typeof problem.retryAfterSeconds === 'number') {
      httpAdapter.setHeader(response, 'Retry-After', String(problem.retryAfterSeconds));
    }
    httpAdapter.setHeader(response, 'Content-Type', PROBLEM_CONTENT_TYPE);
    httpAdapter.reply(response, { ...problem, requestId }, problem.status);
  }
}
