import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { problemAnswer } from './problem';

/** Errors thrown while serving a request leave as their problem answer (problemAnswer), logged when unexpected. */
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
    const requestId = typeof id === 'string' ? id : undefined;
    const answer = problemAnswer(error, requestId);
    if (!answer.expected) this.logger.error({ err: error, requestId }, 'Unexpected error while serving a request');
    for (const [name, value] of Object.entries(answer.headers)) httpAdapter.setHeader(response, name, value);
    httpAdapter.reply(response, answer.body, answer.status);
  }
}
