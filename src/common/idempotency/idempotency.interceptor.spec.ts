import { CallHandler, ExecutionContext, HttpCode } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { HttpResult } from '../http/http-result';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import type { IdempotencyCaller } from './idempotency.rules';
import { IdempotencyScope, StoredResponse } from './idempotency.repository';
import { IdempotencyService, IdempotentOutcome } from './idempotency.service';

/** Stores answers in memory by scope; the database behaviour is covered by the e2e tests. */
class FakeIdempotencyService {
  readonly stored = new Map<string, StoredResponse>();
  readonly scopes: IdempotencyScope[] = [];

  async runOnce<T>(
    scope: IdempotencyScope,
    _fingerprint: string,
    operation: () => Promise<T>,
    responseOf: (value: T) => StoredResponse,
  ): Promise<IdempotentOutcome<T>> {
    this.scopes.push(scope);
    const id = `${scope.caller}|${scope.operation}|${scope.key}`;
    const earlier = this.stored.get(id);
    if (earlier !== undefined) return { replayed: true, response: earlier };
    const value = await operation();
    this.stored.set(id, responseOf(value));
    return { replayed: false, value };
  }
}

class ExampleController {
  create(): void {}

  @HttpCode(202)
  accept(): void {}
}

const admin: IdempotencyCaller = { kind: 'staff', userId: 'u-1' };

function request(key: string | undefined, principal: IdempotencyCaller | undefined = admin) {
  return {
    method: 'POST',
    headers: key === undefined ? {} : { 'idempotency-key': key },
    params: { sku: 'cp-x' },
    query: {},
    body: { version: '1.0.0' },
    principal,
    routeOptions: { url: '/v1/products/:sku/releases' },
  };
}

function contextOf(req: unknown, handler: () => void = ExampleController.prototype.create): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => req }),
    getHandler: () => handler,
  } as unknown as ExecutionContext;
}

function handlerReturning(value: unknown): CallHandler & { calls: number } {
  const next = {
    calls: 0,
    handle: () => {
      next.calls += 1;
      return of(value);
    },
  };
  return next;
}

describe('IdempotencyInterceptor', () => {
  let service: FakeIdempotencyService;
  let interceptor: IdempotencyInterceptor;

  beforeEach(() => {
    service = new FakeIdempotencyService();
    interceptor = new IdempotencyInterceptor(new Reflector(), service as unknown as IdempotencyService);
  });

  it('lets a request without the header through untouched', async () => {
    const next = handlerReturning({ ok: true });
    await expect(lastValueFrom(interceptor.intercept(contextOf(request(undefined)), next))).resolves.toEqual({
      ok: true,
    });
    expect(service.scopes).toEqual([]);
  });

  it('scopes the key by caller and by method and route template', async () => {
    const storefront: IdempotencyCaller = { kind: 'storefront', clientId: 'c-9' };
    await lastValueFrom(interceptor.intercept(contextOf(request('k-1', storefront)), handlerReturning({})));
    expect(service.scopes).toEqual([
      { caller: 'storefront:c-9', operation: 'POST /v1/products/:sku/releases', key: 'k-1' },
    ]);
  });

  it('stores 201 for a POST by default and replays it as an HttpResult marked as replayed', async () => {
    const first = handlerReturning({ id: 1 });
    await expect(lastValueFrom(interceptor.intercept(contextOf(request('k-1')), first))).resolves.toEqual({ id: 1 });
    const second = handlerReturning({ id: 2 });
    const replay = await lastValueFrom(interceptor.intercept(contextOf(request('k-1')), second));
    expect(replay).toEqual(new HttpResult(201, { id: 1 }, { 'Idempotent-Replayed': 'true' }));
    expect(second.calls).toBe(0);
  });

  it("stores the route's @HttpCode", async () => {
    const context = contextOf(request('k-2'), ExampleController.prototype.accept);
    await lastValueFrom(interceptor.intercept(context, handlerReturning({ id: 1 })));
    expect([...service.stored.values()]).toEqual([{ status: 202, body: { id: 1 } }]);
  });

  it('stores the status and body of an HttpResult and passes the HttpResult itself on the first time', async () => {
    const result = new HttpResult(200, { id: 1 }, { Location: '/v1/x/1' });
    await expect(
      lastValueFrom(interceptor.intercept(contextOf(request('k-3')), handlerReturning(result))),
    ).resolves.toBe(result);
    expect([...service.stored.values()]).toEqual([{ status: 200, body: { id: 1 } }]);
    const replay = await lastValueFrom(interceptor.intercept(contextOf(request('k-3')), handlerReturning(null)));
    expect(replay).toEqual(new HttpResult(200, { id: 1 }, { 'Idempotent-Replayed': 'true' }));
  });

  it('refuses a key of an invalid form with VALIDATION_FAILED on the field Idempotency-Key', () => {
    const next = handlerReturning({});
    expect(() => interceptor.intercept(contextOf(request('')), next)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        extra: { errors: [{ field: 'Idempotency-Key', message: expect.any(String) as string }] },
      }) as DomainError,
    );
    expect(next.calls).toBe(0);
  });

  it('refuses to work on a route without an authenticated caller', () => {
    const req = { ...request('k-4'), principal: undefined };
    expect(() => interceptor.intercept(contextOf(req), handlerReturning({}))).toThrow(/authenticated/);
  });
});
