import { IncomingMessage } from 'node:http';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The Node request under the platform's, for a route that reads its body as a stream (an import file, a
 * package, a multipart form; `@ReadsBody('stream')`): their bodies are left unread.
 */
export const NodeRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IncomingMessage =>
    context.switchToHttp().getRequest<FastifyRequest>().raw,
);
