import { STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import { INestApplication, ValidationError } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, OpenAPIObject, ResponseObject, SwaggerModule } from '@nestjs/swagger';
import { DomainError, FieldError, validationFailed } from './common/errors/domain-error';
import { problemAnswer } from './common/errors/problem';
import { ProblemFilter } from './common/errors/problem.filter';
import { HttpResult } from './common/http/http-result';
import { ProblemResponseDto } from './common/http/problem-response.dto';
import { readRequestBodies } from './common/http/request-bodies';
import { securityHeaders } from './common/http/security-headers';
import { requestIdOf } from './common/logging/logging.module';
import { RejectUnstorableTextPipe } from './common/http/unstorable-text.pipe';
import { CompiledValidationPipe } from './common/validation/compiled-validation.pipe';
import { AppConfig } from './config/app-config';
import { STAFF_AUTH, STAFF_LOGIN_AUTH } from './modules/auth/access.decorators';

/**
 * The groups of operations in Swagger UI, in this order: the staff's daily work first, then what storefronts
 * and add-ons call, then administration. Every tag of an operation must be here (the OpenAPI lint checks).
 */
const API_TAGS: [name: string, description: string][] = [
  ['Auth', 'Staff log in (Swagger UI: "Authorize", staffLogin); anyone sees whom their credentials belong to.'],
  [
    'Orders and licenses',
    'Paid orders become licenses. Staff work the delivery queue, deliver keys, suspend, reinstate and revoke, ' +
      'and read the history; storefronts read the licenses of their orders.',
  ],
  ['Update subscriptions', 'Quotes and renewals of the update subscription; extra storefronts on a license.'],
  ['Domains', 'Storefront domains bound to a license, changes counted against the cap, extra changes granted.'],
  ['Downloads', 'Which releases a license may download, and short-lived download tokens.'],
  ['Verification', 'License checks by add-ons (public, rate-limited), signed answers and their public keys.'],
  ['Legacy add-on protocol', 'The license check that add-ons already in the field speak (index.php).'],
  [
    'Add-on manager and Upgrade Center',
    "The current add-ons' channels: their manager (license_api.php) and CS-Cart's Upgrade Center (addon_updates.php).",
  ],
  ['Catalog', 'Vendors, products and their releases; admins write.'],
  [
    'Import and export',
    'Licenses sold by the earlier system in (admins), every license and every history event out as files (staff).',
  ],
  ['Webhooks', 'Subscriptions to license events (admins) and their deliveries (staff).'],
  ['Staff users and API clients', 'Admins create staff users and the API keys of storefronts.'],
  [
    'Business calendar',
    'The workdays that delivery SLAs count: public holidays, and the days admins set (transfers by decree).',
  ],
  ['Operations', 'Health and Prometheus metrics, for the platform.'],
];

/** Node's own defaults, which Fastify would change: how long an idle keep-alive connection and a request may take. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 300_000;

/**
 * The HTTP platform: Nest on Fastify, whose router and replies cost a fraction of Express's per request
 * (bench/RESULTS.md). Its options keep what clients saw when the service ran on Express: paths match
 * whatever their letter case and with or without a trailing slash, a path segment may be as long as a URL
 * (download tokens, e-mails), queries are parsed by Node's `querystring` (a repeated name gives an array,
 * `a[b]` is a plain name), requests that arrive during a shutdown are still served.
 */
export function createHttpAdapter(config: Pick<AppConfig, 'http'>): FastifyAdapter {
  const { trustProxy, hstsMaxAgeSeconds } = config.http;
  const headers = securityHeaders({ hstsMaxAgeSeconds });
  /** The headers of every answer: its request id, and the security headers. */
  const withHeaders = (request: FastifyRequest, reply: FastifyReply, next: () => void): void => {
    reply.raw.setHeader('X-Request-Id', request.id);
    headers(request.raw, reply.raw, next);
  };
  const adapter = new HttpResultAdapter({
    // Behind the configured proxies, @Ip() (rate limits, installation reports) is the client's address.
    trustProxy: trustProxy.length > 0 ? trustProxy : false,
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: 65_536,
      querystringParser: (query) => parseQueryString(query),
    },
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    return503OnClosing: false,
    genReqId: requestIdOf,
    clientErrorHandler: answerClientError,
    // A path that is not percent-encoded UTF-8 is refused before routing, before any hook and filter runs.
    frameworkErrors: (_error: Error, request: FastifyRequest, reply: FastifyReply) => {
      withHeaders(request, reply, () => {
        const answer = problemAnswer(
          new DomainError('BAD_REQUEST', 'The path is not percent-encoded UTF-8.'),
          request.id,
        );
        void reply.code(answer.status).headers(answer.headers).send(answer.body);
      });
    },
  });
  // Before any middleware, so that an answer refused by one (a body too large) carries them too; on the Node
  // response, which routes that write their own answer use as well.
  adapter.getInstance().addHook('onRequest', (request, reply, done) => withHeaders(request, reply, () => done()));
  return adapter;
}

/**
 * Nest's Fastify adapter, which also sends what a handler returns as an {@link HttpResult}: its headers, its body,
 * and its status in place of the route's. Here rather than in an interceptor, which would make every route pay
 * for Nest's interceptor pipeline.
 */
class HttpResultAdapter extends FastifyAdapter {
  override reply(
    response: Parameters<FastifyAdapter['reply']>[0],
    body: unknown,
    statusCode?: number,
  ): ReturnType<FastifyAdapter['reply']> {
    if (!(body instanceof HttpResult)) return super.reply(response, body, statusCode);
    for (const [name, value] of Object.entries(body.headers)) this.setHeader(response, name, value);
    return super.reply(response, body.body, body.status);
  }
}

/** Node's own answers to a request it cannot parse, by its parser's error code; any other is 400. */
const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/**
 * A request that cannot be parsed (headers over 16 KiB, malformed HTTP) is answered as Node answers it, with
 * `Connection: close`, and the connection is closed. Fastify's own answer leaves that header out, so a client
 * that keeps connections alive sends its next request on the closed one.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(error);
}

/**
 * Everything an app needs besides its modules, shared by main.ts, the e2e tests and the OpenAPI writer so
 * that all three serve the same thing. Create the app on {@link createHttpAdapter} with `bodyParser: false`:
 * readRequestBodies reads the bodies.
 */
export function configureApp(app: NestFastifyApplication): OpenAPIObject {
  readRequestBodies(app.getHttpAdapter().getInstance());
  app.useGlobalPipes(
    new RejectUnstorableTextPipe(),
    new CompiledValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
    }),
  );
  app.useGlobalFilters(new ProblemFilter(app.get(HttpAdapterHost)));
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
  return document;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Licensor')
    .setDescription(
      'Licenses and update subscriptions of CS-Cart add-ons, themes and resold licenses. ' +
        'Staff log in under "Authorize" with their e-mail and password (staffLogin); storefronts paste their ' +
        'API key there as a bearer token. Every error is application/problem+json with a stable `code`, except ' +
        'the OAuth errors of the token endpoint; any operation may also answer 500 INTERNAL_ERROR.',
    )
    .setVersion('1')
    .addServer('/', 'This service, wherever it runs');
  for (const [name, description] of API_TAGS) builder.addTag(name, description);
  const config = builder
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'A storefront API key, or a staff access token from POST /v1/auth/login.',
      },
      STAFF_AUTH,
    )
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'Staff: your e-mail as username and your password; client_id and client_secret stay empty.',
        flows: { password: { tokenUrl: '/v1/auth/token', scopes: {} } },
      },
      STAFF_LOGIN_AUTH,
    )
    .build();
  return describeBareAnswers(SwaggerModule.createDocument(app, config, { extraModels: [ProblemResponseDto] }));
}

/** Gives an answer declared without a description (`@ApiOkResponse({type})`) its HTTP reason phrase. */
function describeBareAnswers(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { responses?: Record<string, ResponseObject> }>)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === '') response.description = STATUS_CODES[Number(status)] ?? '';
      }
    }
  }
  return document;
}

/** class-validator's nested tree → `[{field: 'items[0].sku', message}]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}
