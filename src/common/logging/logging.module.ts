import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { matchedRoutePath, routeLabel } from '../metrics/route-label';

const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Keeps a caller's request id when it is a plain token, so a request can be traced across services. */
export function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/**
 * Where the log lines go. `null` (the default) is pino's own destination, standard output; tests bind a
 * stream of their own to read what was logged (`overrideProvider(LOG_DESTINATION)`).
 *
 * nestjs-pino keeps one pino-http instance per process, built by the first app that logs: a second app in
 * the same process (a second `createTestApp` in one test file) writes to the first one's destination at
 * the first one's level.
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * pino's error serializer without the bound values of a failed query (TypeORM's `parameters`): they hold
 * license keys, e-mails and client addresses. The SQL text stays, to tell which query failed.
 */
export function serializeError(error: Error): Record<string, unknown> {
  const serialized = stdSerializers.err(error) as Record<string, unknown>;
  delete serialized.parameters;
  return serialized;
}

/**
 * The request-completed line names the route that served the request by its template, never by the URL: a
 * path carries license keys, e-mails and domains (`/v1/customers/{email}/licenses`, a key typed into an
 * unknown route).
 */
function withRoute(request: IncomingMessage, _response: ServerResponse, fields: object): object {
  return { ...fields, route: routeLabel(matchedRoutePath(request)) };
}

/**
 * JSON logs through pino, one line per request and the request id on every line written while serving it.
 * Requests are logged by method and route template, without their URL and headers, since those carry license
 * keys (the legacy protocol sends them in the URL), API keys and tokens.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useFactory: (): DestinationStream | null => null }],
      inject: [APP_CONFIG, LOG_DESTINATION],
      useFactory: (config: AppConfig, destination: DestinationStream | null) => {
        const options: Options = {
          level: config.logLevel,
          genReqId: requestIdOf,
          serializers: {
            req: (request: { id: string; method: string }) => ({ id: request.id, method: request.method }),
            res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
            err: serializeError,
          },
          customSuccessObject: withRoute,
          customErrorObject: withRoute,
          redact: {
            paths: ['password', '*.password', 'apiKey', '*.apiKey', 'key', '*.key', 'licenseKey'],
            censor: '[redacted]',
          },
        };
        return { pinoHttp: destination === null ? options : [options, destination] };
      },
    }),
  ],
})
export class LoggingModule {}
