import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { destination as fileDescriptorDestination, stdSerializers, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { isColorSupported, prettyFactory, type MessageFormatFunc } from 'pino-pretty';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { matchedRoutePath, routeLabel } from '../metrics/route-label';

const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The id of a request, on its log lines, its problem documents and its `X-Request-Id` answer header: the caller's
 * own when it is a plain token, so a request can be traced across services, else a new UUID. The HTTP platform
 * gives it to every request (createHttpAdapter); the request log takes it from there.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Where the log lines go. `null` (the default) is standard output, as JSON lines or, with `LOG_FORMAT=pretty`,
 * as {@link prettyLogStream}; tests bind a stream of their own to read what was logged
 * (`overrideProvider(LOG_DESTINATION)`), which always receives JSON lines.
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
 * One line of the pretty log: `[context] message`, a request's method, route, status and duration, its id.
 * The fields shown here are left out of the object pino-pretty prints after the message.
 */
const prettyMessage: MessageFormatFunc = (log, messageKey, _levelLabel, { colors }) => {
  const context = typeof log.context === 'string' ? colors.yellow(`[${log.context}] `) : '';
  const request = log.req as { id?: string; method?: string } | undefined;
  const response = log.res as { statusCode?: number } | undefined;
  const text = log[messageKey];
  let message = typeof text === 'string' ? text : (JSON.stringify(text) ?? '');
  if (typeof log.responseTime === 'number' && response !== undefined) {
    message += `: ${request?.method} ${String(log.route)} ${response.statusCode} in ${log.responseTime} ms`;
  }
  const requestId = request?.id === undefined ? '' : colors.gray(` req=${request.id}`);
  return `${context}${message}${requestId}`;
};
const PRETTY_SHOWN_FIELDS = 'pid,hostname,context,req,res,responseTime,route';

/**
 * Log lines for a person at a terminal (`LOG_FORMAT=pretty`): local time, level, context and message on one
 * line, coloured when the terminal supports it; other fields on the same line, an error's stack below.
 *
 * pino-pretty runs in this thread as a plain function over each JSON line (its `prettyFactory`), not as a
 * worker-thread transport: no second thread to start and flush on exit, a message formatter that is a
 * function, and every line written synchronously, in order with anything else the process prints. Its cost
 * per line does not matter to a person reading a terminal; machines get JSON.
 */
export function prettyLogStream(
  output: DestinationStream = fileDescriptorDestination({ dest: 1, sync: true }),
  colorize: boolean = isColorSupported,
): DestinationStream {
  const prettify = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: PRETTY_SHOWN_FIELDS,
    messageFormat: prettyMessage,
    singleLine: true,
  });
  return { write: (line: string) => output.write(prettify(line)) };
}

/**
 * JSON logs through pino (pretty lines at a terminal), one line per request and the request id on every line
 * written while serving it. Requests are logged by method and route template, without their URL and headers,
 * since those carry license keys (the legacy protocol sends them in the URL), API keys and tokens.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useFactory: (): DestinationStream | null => null }],
      inject: [APP_CONFIG, LOG_DESTINATION],
      useFactory: (config: AppConfig, destination: DestinationStream | null) => {
        const options: Options = {
          level: config.logLevel,
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
        const stream = destination ?? (config.logFormat === 'pretty' ? prettyLogStream() : null);
        // Every path: nestjs-pino's default pattern (`{/*splat}`) matches no path on Fastify.
        return {
          pinoHttp: stream === null ? options : [options, stream],
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        };
      },
    }),
  ],
})
export class LoggingModule {}
