/** The license of an answer, as far as the traffic and its checks read it. */
export interface LicenseAnswer {
  id: string;
  lineId: string;
  storefronts: number;
  domains: string[];
}

export interface OrderItem {
  lineId: string;
  sku: string;
  storefronts: number;
  domain?: string;
}

/** One request of the traffic; every domain in it is fresh, so each one names its effect alone. */
export type Operation =
  | { kind: 'order'; orderId: string; items: OrderItem[] }
  | { kind: 'change'; licenseId: string; from: string; to: string }
  | { kind: 'bind'; licenseId: string; domain: string }
  | { kind: 'grant'; licenseId: string; reason: string };

export type Outcome =
  /** A complete answer: the request was acknowledged when `status` is 2xx. */
  | { status: number; body: unknown }
  /** No complete answer: the connection was refused or cut. `at` is when the client saw it (ms since epoch). */
  | { error: string; at: number };

export interface Exchange {
  operation: Operation;
  /** Which start of the service (0 for the first) the request was sent to. */
  incarnation: number;
  outcome: Outcome;
}

export function isAcknowledged(outcome: Outcome): outcome is { status: number; body: unknown } {
  return 'status' in outcome && outcome.status >= 200 && outcome.status < 300;
}

/** `201`, or `409 NO_FREE_STOREFRONT` for a problem answer; undefined when there was no answer. */
export function answerLabel(outcome: Outcome): string | undefined {
  if (!('status' in outcome)) return undefined;
  const code = (outcome.body as { code?: unknown } | undefined)?.code;
  return outcome.status < 300 || typeof code !== 'string' ? String(outcome.status) : `${outcome.status} ${code}`;
}

export interface TrafficOptions {
  sku: string;
  /** `Authorization` header values. */
  storefront: string;
  admin: string;
  /** A request without a complete answer by then is given up (and recorded as unanswered). */
  requestTimeoutMs: number;
}

interface Target {
  baseUrl: string;
  incarnation: number;
}

/**
 * Half the operations on licenses go to the first few licenses sold, so that concurrent changes and grants
 * meet on them and push them to their cap; the others to one of the newest.
 */
const HOT_LICENSES = 5;
const NEWEST_LICENSES = 40;

/**
 * A storefront's and an admin's concurrent requests against a service that may be killed and restarted:
 * new orders (some binding domains at issuance), domain changes, bindings into free slots and grants of extra
 * changes. Every request is recorded with its outcome. While the service is down (`pause`) the workers wait
 * for the next `serve`; requests already in flight then fail and are recorded as unanswered.
 */
export class LicenseTraffic {
  readonly exchanges: Exchange[] = [];
  /** Licenses known from acknowledged answers, with their domains as last answered. */
  private readonly licenses: LicenseAnswer[] = [];
  private target: Target | undefined;
  private wake: (() => void)[] = [];
  private stopped = false;
  private sequence = 0;

  constructor(private readonly options: TrafficOptions) {}

  /** Runs `workers` request loops until `stop`. */
  async run(workers: number): Promise<void> {
    await Promise.all(Array.from({ length: workers }, () => this.worker()));
  }

  serve(baseUrl: string, incarnation: number): void {
    this.target = { baseUrl, incarnation };
    this.wakeWorkers();
  }

  pause(): void {
    this.target = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.wakeWorkers();
  }

  /** Sends one operation to the service at `baseUrl` and records it. */
  async send(operation: Operation, target: Target): Promise<Exchange> {
    const { method, path, auth, body } = this.request(operation);
    let outcome: Outcome;
    try {
      const response = await fetch(`${target.baseUrl}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', Authorization: auth },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await response.text();
      outcome = { status: response.status, body: parseJson(text) };
    } catch (error) {
      outcome = { error: describeError(error), at: Date.now() };
    }
    const exchange = { operation, incarnation: target.incarnation, outcome };
    this.exchanges.push(exchange);
    if (isAcknowledged(outcome)) this.learn(operation, outcome.body);
    return exchange;
  }

  private async worker(): Promise<void> {
    for (;;) {
      const target = await this.nextTarget();
      if (target === undefined) return;
      await this.send(this.nextOperation(), target);
    }
  }

  private async nextTarget(): Promise<Target | undefined> {
    while (!this.stopped && this.target === undefined) {
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
    return this.stopped ? undefined : this.target;
  }

  private wakeWorkers(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }

  private nextOperation(): Operation {
    const n = ++this.sequence;
    const pool = Math.random() < 0.5 ? this.licenses.slice(0, HOT_LICENSES) : this.licenses.slice(-NEWEST_LICENSES);
    const license = pool[Math.floor(Math.random() * pool.length)];
    const roll = Math.random();
    if (license === undefined || roll < 0.35) {
      const items = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, (_, index) => ({
        lineId: String(index + 1),
        sku: this.options.sku,
        // Two storefronts leave a slot for a binding after the order.
        storefronts: Math.random() < 0.5 ? 1 : 2,
        ...(Math.random() < 0.5 ? { domain: `o${n}-${index + 1}.example.com` } : {}),
      }));
      return { kind: 'order', orderId: `crash-${n}`, items };
    }
    if (roll < 0.7 && license.domains.length > 0) {
      const from = license.domains[Math.floor(Math.random() * license.domains.length)];
      return { kind: 'change', licenseId: license.id, from, to: `c${n}.example.com` };
    }
    if (roll < 0.9) return { kind: 'bind', licenseId: license.id, domain: `b${n}.example.com` };
    return { kind: 'grant', licenseId: license.id, reason: `crash-safety grant ${n}` };
  }

  private request(operation: Operation): { method: string; path: string; auth: string; body: unknown } {
    const { storefront, admin } = this.options;
    switch (operation.kind) {
      case 'order':
        return {
          method: 'POST',
          path: '/v1/orders',
          auth: storefront,
          body: {
            orderId: operation.orderId,
            customer: { email: `${operation.orderId}@shop.example` },
            items: operation.items,
          },
        };
      case 'change':
        return {
          method: 'PUT',
          path: `/v1/licenses/${operation.licenseId}/domains/${encodeURIComponent(operation.from)}`,
          auth: storefront,
          body: { domain: operation.to },
        };
      case 'bind':
        return {
          method: 'POST',
          path: `/v1/licenses/${operation.licenseId}/domains`,
          auth: storefront,
          body: { domain: operation.domain },
        };
      case 'grant':
        return {
          method: 'POST',
          path: `/v1/licenses/${operation.licenseId}/domain-change-grants`,
          auth: admin,
          body: { extra: 1, reason: operation.reason },
        };
    }
  }

  private learn(operation: Operation, body: unknown): void {
    if (operation.kind === 'order') {
      this.licenses.push(...(body as { licenses: LicenseAnswer[] }).licenses);
      return;
    }
    const answered = body as LicenseAnswer;
    const known = this.licenses.find((license) => license.id === answered.id);
    if (known !== undefined) known.domains = answered.domains;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** fetch says "fetch failed"; the cause says why (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, …). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail === undefined ? error.message : `${error.message}: ${detail}`;
}
