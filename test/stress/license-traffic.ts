import { QueryResultRow } from 'pg';
import { generateLicenseKey } from '../../src/modules/licenses/license-key';
import { httpBuildQuery, phpUrlEncode } from '../support/php';

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

export interface Payment {
  reference: string;
  amount: number;
  currency: string;
}

/**
 * A license check whose answer the traffic knows beforehand: it names a license that has one storefront, bound
 * to its domain, which no request of the traffic changes (TrafficOptions.checked), or a key that no license has.
 */
export interface LicenseCheck {
  licenseKey: string;
  domain: string;
  /** VALID on the bound domain, DOMAIN_MISMATCH on any other (no free slot to bind it), NOT_FOUND for the key. */
  expected: 'VALID' | 'DOMAIN_MISMATCH' | 'NOT_FOUND';
  /** The license of the key; undefined for a key that no license has. */
  licenseId?: string;
}

/** One request of the traffic; every domain in it is fresh, so each one names its effect alone. */
export type Operation =
  | { kind: 'order'; orderId: string; items: OrderItem[] }
  | { kind: 'change'; licenseId: string; from: string; to: string }
  | { kind: 'bind'; licenseId: string; domain: string }
  | { kind: 'grant'; licenseId: string; reason: string }
  /** A paid renewal with a fresh Idempotency-Key and payment reference, or one sent again exactly as before. */
  | { kind: 'renewal'; licenseId: string; idempotencyKey: string; months: number; payment: Payment }
  /** POST /v1/licenses/verify, as an add-on calls it. */
  | { kind: 'verify'; check: LicenseCheck }
  /** The legacy check of the add-ons in the field, `/index.php?dispatch=check_license_20.check`. */
  | { kind: 'legacy'; method: 'GET' | 'POST'; check: LicenseCheck };

export type OrderOperation = Extract<Operation, { kind: 'order' }>;
export type RenewalOperation = Extract<Operation, { kind: 'renewal' }>;

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

/** `order 201 ×12, change 409 DOMAIN_CHANGE_LIMIT_REACHED ×3, bind cut ×1, …` */
export function answerCounts(exchanges: Exchange[]): string {
  const counts = new Map<string, number>();
  for (const { operation, outcome } of exchanges) {
    const label = `${operation.kind} ${answerLabel(outcome) ?? 'cut'}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => `${label} ×${count}`).join(', ');
}

/** One exchange for a failure message. */
export function show(exchange: Exchange): string {
  const { outcome } = exchange;
  const result = 'status' in outcome ? `${answerLabel(outcome)} ${JSON.stringify(outcome.body)}` : outcome.error;
  return `[start ${exchange.incarnation}] ${JSON.stringify(exchange.operation)} → ${result}`;
}

export interface TrafficOptions {
  /** Names what the traffic creates: order ids, Idempotency-Keys, payment references, grant reasons. */
  name: string;
  sku: string;
  /** The product's CS-Cart add-on id, which the legacy check sends; its sku when absent. */
  addonId?: string;
  /** `Authorization` header values. */
  storefront: string;
  admin: string;
  /** A request without a complete answer by then is given up (and recorded as unanswered). */
  requestTimeoutMs: number;
  /**
   * How often each kind of request is sent, relative to the others. A kind that needs what the traffic does not
   * have yet (a license with a domain to change, say) is an order instead.
   */
  mix: Partial<Record<Operation['kind'], number>>;
  /** The share of orders and renewals that send an earlier one again, unchanged; none by default. */
  repeats?: number;
  /** What renewals buy and pay: the months and the amount the service quoted for them. */
  renewal?: { months: number; amount: number; currency: string };
  /** The licenses that checks name: each with one storefront, bound to `domain`, and changed by no request. */
  checked?: { id: string; key: string; domain: string }[];
}

interface Target {
  baseUrl: string;
  incarnation: number;
}

interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Half the operations on licenses go to the first few licenses sold, so that concurrent changes, grants and
 * renewals meet on them and push them to their cap; the others to one of the newest.
 */
const HOT_LICENSES = 5;
const NEWEST_LICENSES = 40;
/** The dispatch that today's add-ons send; the e2e tests cover the others. */
const LEGACY_DISPATCH = 'check_license_20.check';

/**
 * A storefront's, an admin's and add-ons' concurrent requests against a service that may be killed and restarted:
 * new orders (some binding domains at issuance) and the same orders again, domain changes, bindings into free
 * slots, grants of extra changes, renewals under an Idempotency-Key, and license checks through the verify API
 * and the legacy protocol, in the proportions of `mix`. Every request is recorded with its outcome. While the
 * service is down (`pause`) the workers wait for the next `serve`; requests already in flight then fail and are
 * recorded as unanswered.
 */
export class LicenseTraffic {
  readonly exchanges: Exchange[] = [];
  /** The most requests that were in flight at once. */
  maxInFlight = 0;
  /** Licenses known from acknowledged answers, first answered first, with their domains as last answered. */
  private readonly licenses: LicenseAnswer[] = [];
  private readonly licensesById = new Map<string, LicenseAnswer>();
  /** What may be sent again. */
  private readonly orders: OrderOperation[] = [];
  private readonly renewals: RenewalOperation[] = [];
  private target: Target | undefined;
  private wake: (() => void)[] = [];
  private stopped = false;
  private sequence = 0;
  private inFlight = 0;

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
    const { method, path, headers, body } = this.request(operation);
    let outcome: Outcome;
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      const response = await fetch(`${target.baseUrl}${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await response.text();
      outcome = { status: response.status, body: parseJson(text) };
    } catch (error) {
      outcome = { error: describeError(error), at: Date.now() };
    } finally {
      this.inFlight -= 1;
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
    return this.operationOf(this.nextKind(), n) ?? this.newOrder(n);
  }

  private nextKind(): Operation['kind'] {
    const weights = Object.entries(this.options.mix) as [Operation['kind'], number][];
    let roll = Math.random() * weights.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [kind, weight] of weights) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return 'order';
  }

  /** An operation of `kind`; undefined when the traffic knows nothing it could go to yet. */
  private operationOf(kind: Operation['kind'], n: number): Operation | undefined {
    const { name } = this.options;
    switch (kind) {
      case 'order':
        return this.again(this.orders) ?? this.newOrder(n);
      case 'change': {
        const license = this.pickLicense((known) => known.domains.length > 0);
        if (license === undefined) return undefined;
        return { kind, licenseId: license.id, from: pick(license.domains) as string, to: `c${n}.example.com` };
      }
      case 'bind': {
        const license = this.pickLicense();
        return license && { kind, licenseId: license.id, domain: `b${n}.example.com` };
      }
      case 'grant': {
        const license = this.pickLicense();
        return license && { kind, licenseId: license.id, reason: `${name} grant ${n}` };
      }
      case 'renewal':
        return this.again(this.renewals) ?? this.newRenewal(n);
      case 'verify': {
        const check = this.newCheck(n);
        return check && { kind, check };
      }
      case 'legacy': {
        const check = this.newCheck(n);
        return check && { kind, method: Math.random() < 0.5 ? 'GET' : 'POST', check };
      }
    }
  }

  private newOrder(n: number): OrderOperation {
    const items = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, (_, index) => ({
      lineId: String(index + 1),
      sku: this.options.sku,
      // Two storefronts leave a slot for a binding after the order.
      storefronts: Math.random() < 0.5 ? 1 : 2,
      ...(Math.random() < 0.5 ? { domain: `o${n}-${index + 1}.example.com` } : {}),
    }));
    const order: OrderOperation = { kind: 'order', orderId: `${this.options.name}-${n}`, items };
    this.orders.push(order);
    return order;
  }

  private newRenewal(n: number): RenewalOperation | undefined {
    const { name, renewal } = this.options;
    const license = this.pickLicense();
    if (renewal === undefined || license === undefined) return undefined;
    const { months, amount, currency } = renewal;
    const operation: RenewalOperation = {
      kind: 'renewal',
      licenseId: license.id,
      idempotencyKey: `${name}-renewal-${n}`,
      months,
      payment: { reference: `${name}-payment-${n}`, amount, currency },
    };
    this.renewals.push(operation);
    return operation;
  }

  /** Mostly the key on its domain; else on another domain, or a key of the same shape that no license has. */
  private newCheck(n: number): LicenseCheck | undefined {
    const license = pick(this.options.checked ?? []);
    if (license === undefined) return undefined;
    const roll = Math.random();
    if (roll < 0.6)
      return { licenseKey: license.key, domain: license.domain, expected: 'VALID', licenseId: license.id };
    if (roll < 0.8) {
      return {
        licenseKey: license.key,
        domain: `x${n}.example.com`,
        expected: 'DOMAIN_MISMATCH',
        licenseId: license.id,
      };
    }
    const prefix = license.key.split('-')[0];
    return { licenseKey: generateLicenseKey(prefix), domain: license.domain, expected: 'NOT_FOUND' };
  }

  private again<T>(sent: T[]): T | undefined {
    return Math.random() < (this.options.repeats ?? 0) ? pick(sent) : undefined;
  }

  private pickLicense(usable: (license: LicenseAnswer) => boolean = () => true): LicenseAnswer | undefined {
    const pool = Math.random() < 0.5 ? this.licenses.slice(0, HOT_LICENSES) : this.licenses.slice(-NEWEST_LICENSES);
    return pick(pool.filter(usable));
  }

  private request(operation: Operation): HttpRequest {
    const { storefront, admin } = this.options;
    switch (operation.kind) {
      case 'order':
        return json('POST', '/v1/orders', storefront, {
          orderId: operation.orderId,
          customer: { email: `${operation.orderId}@shop.example` },
          items: operation.items,
        });
      case 'change':
        return json(
          'PUT',
          `/v1/licenses/${operation.licenseId}/domains/${encodeURIComponent(operation.from)}`,
          storefront,
          { domain: operation.to },
        );
      case 'bind':
        return json('POST', `/v1/licenses/${operation.licenseId}/domains`, storefront, { domain: operation.domain });
      case 'grant':
        return json('POST', `/v1/licenses/${operation.licenseId}/domain-change-grants`, admin, {
          extra: 1,
          reason: operation.reason,
        });
      case 'renewal': {
        const { months, payment } = operation;
        const request = json('POST', `/v1/licenses/${operation.licenseId}/renewals`, storefront, { months, payment });
        return { ...request, headers: { ...request.headers, 'Idempotency-Key': operation.idempotencyKey } };
      }
      case 'verify': {
        const { licenseKey, domain } = operation.check;
        // Add-ons call it without credentials.
        return json('POST', '/v1/licenses/verify', undefined, { licenseKey, domain, product: this.options.sku });
      }
      case 'legacy':
        return this.legacyRequest(operation.method, operation.check);
    }
  }

  /** The check as the add-ons send it: `urlencode(json_encode($data))`, then form-encoded by their HTTP client. */
  private legacyRequest(method: 'GET' | 'POST', check: LicenseCheck): HttpRequest {
    const data = {
      license: check.licenseKey,
      addon: this.options.addonId ?? this.options.sku,
      companies: [{ storefront: check.domain, secure_storefront: check.domain }],
    };
    const fields = { request: phpUrlEncode(JSON.stringify(data)) };
    return method === 'GET'
      ? { method, path: `/index.php?${httpBuildQuery({ dispatch: LEGACY_DISPATCH, ...fields })}`, headers: {} }
      : {
          method,
          path: `/index.php?${httpBuildQuery({ dispatch: LEGACY_DISPATCH })}`,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: httpBuildQuery(fields),
        };
  }

  private learn(operation: Operation, body: unknown): void {
    switch (operation.kind) {
      case 'order':
        for (const license of (body as { licenses: LicenseAnswer[] }).licenses) {
          // The same order again answers the licenses already known.
          if (this.licensesById.has(license.id)) continue;
          this.licenses.push(license);
          this.licensesById.set(license.id, license);
        }
        return;
      case 'change':
      case 'bind':
      case 'grant': {
        const answered = body as LicenseAnswer;
        const known = this.licensesById.get(answered.id);
        if (known !== undefined) known.domains = answered.domains;
        return;
      }
      case 'renewal':
      case 'verify':
      case 'legacy':
        // No domain of a license the traffic changes.
        return;
    }
  }
}

/** Runs a statement on the database of the service under test. */
export type Query = <T extends QueryResultRow>(text: string, values?: unknown[]) => Promise<T[]>;

/** Domain changes a license has before grants (the spec's cap). */
export const DOMAIN_CHANGES_PER_LICENSE = 2;

/** Licenses that used more domain changes than the cap plus their grants, and how many used all of theirs. */
export async function domainChangeUse(query: Query): Promise<{ overCap: unknown[]; atCap: number }> {
  const overCap = await query(
    `SELECT id, domain_changes_used, domain_changes_granted FROM licenses
      WHERE domain_changes_used > $1 + domain_changes_granted`,
    [DOMAIN_CHANGES_PER_LICENSE],
  );
  const [atCap] = await query<{ count: string }>(
    `SELECT count(*) FROM licenses WHERE domain_changes_used = $1 + domain_changes_granted`,
    [DOMAIN_CHANGES_PER_LICENSE],
  );
  return { overCap, atCap: Number(atCap.count) };
}

/**
 * The orders that the traffic sent, as the database holds them, and those among them whose licenses are not one
 * for each line sent, as sent: part of an order, or more than one.
 */
export async function ordersNotAsSent(
  query: Query,
  exchanges: Exchange[],
): Promise<{ stored: number; wrong: unknown[] }> {
  const sent = new Map(
    exchanges.flatMap(({ operation }) =>
      operation.kind === 'order'
        ? [[operation.orderId, operation.items.map((item) => `${item.lineId}:${item.storefronts}`).sort()] as const]
        : [],
    ),
  );
  const orders = await query<{ order_id: string; lines: string[] }>(
    `SELECT o.order_id,
            array_remove(array_agg(l.line_id || ':' || l.storefronts ORDER BY l.line_id), NULL) AS lines
       FROM orders o LEFT JOIN licenses l ON l.order_id = o.order_id
      WHERE o.order_id = ANY($1)
      GROUP BY o.order_id`,
    [[...sent.keys()]],
  );
  const wrong = orders
    .filter((order) => sent.get(order.order_id)?.join(' ') !== order.lines.join(' '))
    .map((order) => ({ ...order, sent: sent.get(order.order_id) }));
  return { stored: orders.length, wrong };
}

/** The acknowledged orders among `exchanges` whose licenses in the database are not exactly those answered. */
export async function ordersNotAsAnswered(query: Query, exchanges: Exchange[]): Promise<unknown[]> {
  const orders = exchanges.flatMap(({ operation, outcome }) => {
    if (operation.kind !== 'order' || !isAcknowledged(outcome)) return [];
    const licenses = (outcome.body as { licenses: LicenseAnswer[] }).licenses;
    return [{ orderId: operation.orderId, answered: licenses.map((license) => `${license.lineId}=${license.id}`) }];
  });
  const rows = await query<{ order_id: string; licenses: string[] }>(
    `SELECT order_id, array_agg(line_id || '=' || id) AS licenses FROM licenses WHERE order_id = ANY($1) GROUP BY 1`,
    [orders.map((order) => order.orderId)],
  );
  const stored = new Map(rows.map((row) => [row.order_id, row.licenses.sort().join(' ')]));
  return orders
    .map((order) => ({ ...order, answered: order.answered.sort().join(' '), stored: stored.get(order.orderId) }))
    .filter((order) => order.answered !== order.stored);
}

function json(method: string, path: string, auth: string | undefined, body: unknown): HttpRequest {
  return {
    method,
    path,
    headers: { 'Content-Type': 'application/json', ...(auth === undefined ? {} : { Authorization: auth }) },
    body: JSON.stringify(body),
  };
}

function pick<T>(items: readonly T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
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
