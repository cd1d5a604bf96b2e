import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, Observable } from 'rxjs';
import { validationFailed } from '../errors/domain-error';
import { HttpResult } from '../http/http-result';
import { IdempotencyService } from './idempotency.service';
import {
  callerScope,
  checkIdempotencyKey,
  firstResponseStatus,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  operationScope,
  requestFingerprint,
  IdempotencyCaller,
} from './idempotency.rules';

/** What the interceptor reads of a request; `routeOptions.url` is the template of its route. */
interface IdempotentRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  principal?: IdempotencyCaller;
  routeOptions?: { url?: unknown };
}

/**
 * The HTTP side of {@link Idempotent}: reads and checks the `Idempotency-Key` header, scopes it by caller and
 * operation, fingerprints the request and lets {@link IdempotencyService} run the handler once. A replay is an
 * HttpResult, which the HTTP adapter sends with the status of the first answer.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    if (header === undefined) return next.handle();
    const checked = checkIdempotencyKey(header);
    if ('error' in checked) throw validationFailed([{ field: IDEMPOTENCY_KEY_HEADER, message: checked.error }]);
    if (request.principal === undefined) {
      // Keys are scoped by caller; on a public route every anonymous caller would share them.
      throw new Error('@Idempotent() is only for routes with an authenticated caller');
    }

    const route = routeTemplate(request);
    const scope = {
      caller: callerScope(request.principal),
      operation: operationScope(request.method, route),
      key: checked.key,
    };
    const fingerprint = requestFingerprint({
      method: request.method,
      route,
      params: request.params ?? {},
      query: request.query ?? {},
      body: request.body,
    });
    const httpCode = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());

    const outcome = this.idempotency.runOnce(
      scope,
      fingerprint,
      // next.handle() binds the handler to the async context it is called in: call it inside the transaction,
      // so that the services' TransactionRunner.run joins it.
      () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      (value: unknown) =>
        value instanceof HttpResult
          ? { status: value.status, body: value.body as unknown }
          : { status: firstResponseStatus(undefined, httpCode, request.method), body: value },
    );
    return from(
      outcome.then((result) =>
        result.replayed
          ? new HttpResult(result.response.status, result.response.body, { [IDEMPOTENT_REPLAYED_HEADER]: 'true' })
          : result.value,
      ),
    );
  }
}

function routeTemplate(request: IdempotentRequest): string {
  const template = request.routeOptions?.url;
  if (typeof template !== 'string' || template.length === 0) {
    throw new Error('@Idempotent() could not find the route template of the request');
  }
  return template;
}
