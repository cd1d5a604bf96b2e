import { IncomingMessage } from 'node:http';
import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { json, urlencoded } from 'body-parser';
import { DomainError, validationFailed } from '../errors/domain-error';
import { exceedsDepth } from './json-depth';

export const BODY_LIMIT = '1mb';
/**
 * How deep a JSON body may nest. The deepest DTO nests 3 levels (an order's items); validation, the NUL check
 * and the idempotency fingerprint walk a body recursively, and 1 500 nested arrays overflowed their stack.
 */
export const MAX_BODY_DEPTH = 32;
/**
 * Routes that take HTML forms: the legacy add-on protocol, and the OAuth token endpoint (RFC 6749 defines
 * only that encoding). Every other route takes JSON only.
 */
export const FORM_ROUTES = ['index.php', 'v1/auth/token'];
/**
 * Routes that read their body themselves, as a stream: a license file to import may be gigabytes, a release
 * package is raw bytes (zip or tgz) of up to PACKAGE_MAX_BYTES, the add-on manager posts multipart forms.
 */
export const STREAMED_ROUTES: (string | { path: string; method: RequestMethod })[] = [
  'v1/imports',
  { path: 'v1/products/:sku/releases/:version/package', method: RequestMethod.PUT },
  'license_api.php',
];
const ALL_ROUTES = '{*splat}';

/**
 * Refuses a body that is not JSON with 415, instead of letting the JSON parser skip it and the validation
 * then list every field as missing.
 */
export function requireJsonBody(request: IncomingMessage, _response: unknown, next: (error?: unknown) => void): void {
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (hasBody && mediaType !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(mediaType)) {
    next(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.'));
    return;
  }
  next();
}

/** Refuses a parsed JSON body nested deeper than {@link MAX_BODY_DEPTH} before anything walks it. */
export function limitBodyDepth(
  request: IncomingMessage & { body?: unknown },
  _response: unknown,
  next: (error?: unknown) => void,
): void {
  if (exceedsDepth(request.body, MAX_BODY_DEPTH)) {
    next(validationFailed([{ field: 'body', message: `body must not nest more than ${MAX_BODY_DEPTH} levels deep` }]));
    return;
  }
  next();
}

/**
 * Form bodies are read as UTF-8 whatever charset they declare: body-parser refuses any but utf-8 and
 * iso-8859-1 with 415, while the add-ons in the field send percent-encoded ASCII under whatever charset
 * their store's HTTP client names (`utf8`, `windows-1251`, …).
 */
export function ignoreFormCharset(request: IncomingMessage, _response: unknown, next: () => void): void {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && /^\s*application\/x-www-form-urlencoded\s*;/i.test(contentType)) {
    request.headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  next();
}

/**
 * Body parsing as Nest middleware of a module that is not global: Nest mounts the middleware of global
 * modules (the request logger) first, so a body refused here (malformed JSON, over 1 MB, not JSON) is
 * still logged and answered with its request id.
 */
@Module({})
export class BodyParsingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        requireJsonBody,
        json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }),
        limitBodyDepth,
      )
      .exclude(...FORM_ROUTES, ...STREAMED_ROUTES)
      .forRoutes(ALL_ROUTES);
    consumer.apply(ignoreFormCharset, urlencoded({ limit: BODY_LIMIT, extended: false })).forRoutes(...FORM_ROUTES);
  }
}
