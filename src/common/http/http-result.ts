/**
 * What a handler returns when its status or headers depend on the outcome (201 created vs 200 replayed),
 * so that controllers never touch the platform's response object. The HTTP adapter (createHttpAdapter) sends
 * it: its status and headers win over the route's `@HttpCode` and `@Header`.
 */
export class HttpResult<T> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}
