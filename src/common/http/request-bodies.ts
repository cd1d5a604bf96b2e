import { IncomingMessage, ServerResponse } from 'node:http';
import { RouteConfig } from '@nestjs/platform-fastify';
import { json, urlencoded } from 'body-parser';
import type { FastifyInstance } from 'fastify';
import { DomainError, validationFailed } from '../errors/domain-error';
import { recordMatchedRoute } from '../metrics/route-label';
import { exceedsDepth } from './json-depth';

export const BODY_LIMIT = '1mb';
/**
 * How deep a JSON body may nest. The deepest DTO nests 3 levels (an order's items); validation, the NUL check
 * and the idempotency fingerprint walk a body recursively, and 1 500 nested arrays overflowed their stack.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * How a route's body is read. Every route takes JSON only, but for those marked with {@link ReadsBody}:
 * - `form`: HTML forms, for the legacy add-on protocol and the OAuth token endpoint (RFC 6749 defines only that
 *   encoding);
 * - `stream`: the route reads the body itself (@NodeRequest): a license file to import may be gigabytes, a release
 *   package is raw bytes, the add-on manager posts multipart forms.
 */
export type BodyReading = 'json' | 'form' | 'stream';

/** Marks a route whose body is not JSON: see {@link BodyReading}. */
export const ReadsBody = (reading: Exclude<BodyReading, 'json'>): MethodDecorator => RouteConfig({ reading });

type Step = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

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

/** The steps that read a body, by how the route reads it: body-parser's, with their limits and errors. */
const READERS: Record<BodyReading, Step[]> = {
  json: [
    requireJsonBody,
    json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }),
    limitBodyDepth,
  ],
  form: [ignoreFormCharset, urlencoded({ limit: BODY_LIMIT, extended: false })],
  stream: [],
};

/** Runs the steps in turn, as Connect runs middleware: the first error ends them. */
function runSteps(
  steps: Step[],
  request: IncomingMessage,
  response: ServerResponse,
  done: (error?: unknown) => void,
): void {
  let index = 0;
  const next = (error?: unknown): void => {
    if (error !== undefined && error !== null) return done(error);
    const step = steps[index++];
    if (step === undefined) return done();
    step(request, response, next);
  };
  next();
}

/** Where the Content-Type a request was sent with waits while Fastify chooses a body parser. */
const SENT_CONTENT_TYPE = Symbol('sentContentType');

/**
 * Reads request bodies once the route is known, by how the route takes its body ({@link ReadsBody}), with
 * body-parser's readers: the limits, the charsets, compressed bodies and the errors stay body-parser's. A request
 * that no route serves has its body read as JSON, as any route's: a malformed body is refused as such.
 *
 * Fastify's own parsing is set aside. It would refuse, with 415, a Content-Type header it cannot parse
 * (`application/json, text/plain`) before the route sees the request, even without a body: the readers and the
 * routes that stream judge the header themselves. While Fastify chooses its parser it sees a neutral type, taken
 * by a parser that leaves the body unread; the header as sent is back before the body is read.
 */
export function readRequestBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  fastify.addHook('preParsing', (request, _reply, _payload, done) => {
    const sent = request.headers['content-type'];
    if (sent !== undefined) {
      (request.raw as { [SENT_CONTENT_TYPE]?: string })[SENT_CONTENT_TYPE] = sent;
      request.headers['content-type'] = 'application/octet-stream';
    }
    done();
  });
  fastify.addHook('preValidation', (request, reply, done) => {
    const sent = (request.raw as { [SENT_CONTENT_TYPE]?: string })[SENT_CONTENT_TYPE];
    if (sent !== undefined) request.headers['content-type'] = sent;
    const reading = (request.routeOptions.config as { reading?: BodyReading } | undefined)?.reading ?? 'json';
    runSteps(READERS[reading], request.raw, reply.raw, (error) => {
      if (error !== undefined) return done(error as Error);
      request.body = (request.raw as { body?: unknown }).body;
      // The template of the route that serves the request, for the request log and the metrics
      // (matchedRoutePath): once its body is read, so that a refused body counts as served by none.
      recordMatchedRoute(request.raw, request.routeOptions.url);
      done();
    });
  });
  // A route that finds the request is none of its own (an empty path parameter) hands it to the not-found handler.
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    if (request.is404) recordMatchedRoute(request.raw, undefined);
    done(null, payload);
  });
}
