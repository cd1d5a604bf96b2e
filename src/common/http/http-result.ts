import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { map, Observable } from 'rxjs';

/**
 * What a handler returns when its status or headers depend on the outcome (201 created vs 200 replayed),
 * so that controllers never touch the platform's response object.
 */
export class HttpResult<T> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** Unwraps {@link HttpResult}s through the HTTP adapter, so that controllers stay free of the platform's objects. */
@Injectable()
export class HttpResultInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((value: unknown) => {
        if (!(value instanceof HttpResult)) return value;
        const response = context.switchToHttp().getResponse<unknown>();
        const { httpAdapter } = this.adapterHost;
        httpAdapter.status(response, value.status);
        for (const [name, headerValue] of Object.entries(value.headers)) {
          httpAdapter.setHeader(response, name, headerValue);
        }
        return value.body as unknown;
      }),
    );
  }
}
