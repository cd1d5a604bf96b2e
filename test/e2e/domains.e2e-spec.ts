import { DomainBindingService } from '../../src/modules/licenses/domains/domain-binding.service';
import { LicensesRepository } from '../../src/modules/licenses/licenses.repository';
import { newProduct } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { buyLicense } from '../support/orders';

interface License {
  id: string;
  domains: string[];
  storefronts: number;
  domainChangesUsed: number;
  domainChangesLeft: number;
}

interface EventRow {
  type: string;
  actor_type: string;
  actor_name: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
}

describe('storefront domains: binding, changing, the change cap (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let shopA: string;
  let shopB: string;
  let domainCounter = 0;
  const sku = 'domains-addon';

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    shopA = await t.storefrontAuth('Shop A');
    shopB = await t.storefrontAuth('Shop B');
    await t.http().post('/v1/products').set('Authorization', admin).send(newProduct({ sku })).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh public domain, unique in this file. */
  const newDomain = (label = 'shop') => `${label}-${++domainCounter}.example.com`;

  /** A Cart-Power license of a new order of `shop`, optionally with a domain bound at issuance. */
  const newLicense = (item: { storefronts?: number; domain?: string } = {}, shop = shopA): Promise<License> =>
    buyLicense<License>(t, shop, { sku, ...item });

  const bind = (licenseId: string, domain: unknown, auth = shopA) => {
    // Domains are listed oldest first: successive bindings get successive times.
    t.clock.advance(1000);
    return t.http().post(`/v1/licenses/${licenseId}/domains`).set('Authorization', auth).send({ domain });
  };
  const change = (licenseId: string, from: string, to: unknown, auth = shopA) =>
    t
      .http()
      .put(`/v1/licenses/${licenseId}/domains/${encodeURIComponent(from)}`)
      .set('Authorization', auth)
      .send({ domain: to });
  const grant = (licenseId: string, body: object, auth = admin) =>
    t.http().post(`/v1/licenses/${licenseId}/domain-change-grants`).set('Authorization', auth).send(body);

  const events = (licenseId: string): Promise<EventRow[]> =>
    t.dataSource.query(
      'SELECT type, actor_type, actor_name, before, after, reason FROM license_events WHERE license_id = $1 ORDER BY id',
      [licenseId],
    );
  const domainEvents = async (licenseId: string) =>
    (await events(licenseId)).filter((event) => event.type !== 'issued');
  /** Webhook outbox rows about the license: type and the domains its payload shows, sorted. */
  const webhooks = async (licenseId: string): Promise<[string, string[]][]> => {
    const rows: { type: string; payload: string }[] = await t.dataSource.query(
      `SELECT type, payload FROM webhook_events WHERE (payload::jsonb) #>> '{data,license,id}' = $1`,
      [licenseId],
    );
    return rows
      .map((row): [string, string[]] => [
        row.type,
        (JSON.parse(row.payload) as { data: { license: License } }).data.license.domains,
      ])
      .filter(([type]) => type !== 'license.issued')
      .sort(([typeA, domainsA], [typeB, domainsB]) =>
        `${typeA} ${domainsA.join(' ')}`.localeCompare(`${typeB} ${domainsB.join(' ')}`),
      );
  };
  const stored = async (licenseId: string) => {
    const [row]: { domain_changes_used: number; domain_changes_granted: number }[] = await t.dataSource.query(
      'SELECT domain_changes_used, domain_changes_granted FROM licenses WHERE id = $1',
      [licenseId],
    );
    const domains: { domain: string }[] = await t.dataSource.query(
      'SELECT domain FROM license_domains WHERE license_id = $1 ORDER BY domain',
      [licenseId],
    );
    return {
      used: row.domain_changes_used,
      granted: row.domain_changes_granted,
      domains: domains.map((d) => d.domain),
    };
  };

  describe('POST /v1/licenses/{id}/domains', () => {
    it('binds a normalised domain into a free slot: 201, history and webhook', async () => {
      const license = await newLicense();
      const response = await bind(license.id, 'https://www.Shop-One.Example.com:8443/store1?x=1').expect(201);
      expect(response.body).toMatchObject({
        id: license.id,
        domains: ['shop-one.example.com'],
        domainChangesUsed: 0,
        domainChangesLeft: 2,
      });
      expect(await domainEvents(license.id)).toEqual([
        {
          type: 'domain_bound',
          actor_type: 'api_client',
          actor_name: 'Shop A',
          before: null,
          after: { domain: 'shop-one.example.com' },
          reason: null,
        },
      ]);
      expect(await webhooks(license.id)).toEqual([['license.domain_bound', ['shop-one.example.com']]]);
    });

    it('converts an IDN to punycode', async () => {
      const license = await newLicense();
      const response = await bind(license.id, 'http://магазин.пример.рф/').expect(201);
      expect(response.body.domains).toEqual(['xn--80aairftm.xn--e1afmkfd.xn--p1ai']);
    });

    it('answers 200 with the license for a domain already bound, using no slot and recording nothing', async () => {
      const domain = newDomain();
      const license = await newLicense({ domain });
      const eventsBefore = await events(license.id);
      const response = await bind(license.id, `https://WWW.${domain.toUpperCase()}/another-store`).expect(200);
      expect(response.body).toMatchObject({ domains: [domain], domainChangesUsed: 0, domainChangesLeft: 2 });
      expect(await events(license.id)).toEqual(eventsBefore);
      expect(await webhooks(license.id)).toEqual([['license.domain_bound', [domain]]]);
    });

    it('fills several slots, then refuses another domain with 409 NO_FREE_STOREFRONT', async () => {
      const license = await newLicense({ storefronts: 2 });
      const [first, second, third] = [newDomain(), newDomain(), newDomain()];
      await bind(license.id, first).expect(201);
      const response = await bind(license.id, second).expect(201);
      expect(response.body.domains).toEqual([first, second]);
      const refused = await bind(license.id, third).expect(409);
      expect(refused.body).toMatchObject({ code: 'NO_FREE_STOREFRONT', storefronts: 2 });
      expect(refused.headers['content-type']).toContain('application/problem+json');
      await bind(license.id, second).expect(200);
      expect((await stored(license.id)).domains).toEqual([first, second].sort());
      expect((await domainEvents(license.id)).map((event) => event.type)).toEqual(['domain_bound', 'domain_bound']);
    });

    it.each([
      ['a single label', 'intranet'],
      ['a public IP address', '8.8.8.8'],
      ['bad characters', 'exa mple.com'],
      ['a leading hyphen', '-shop.example.com'],
      ['a label over 63 characters', `${'a'.repeat(64)}.com`],
      ['an empty label', 'a..example.com'],
      ['no host', 'https://'],
    ])('refuses %s with 422 INVALID_DOMAIN', async (_name, domain) => {
      const license = await newLicense();
      const response = await bind(license.id, domain).expect(422);
      expect(response.body).toMatchObject({ code: 'INVALID_DOMAIN', field: 'domain' });
      expect(await domainEvents(license.id)).toEqual([]);
    });

    it.each([
      ['localhost', 'http://localhost:8080/'],
      ['a *.local host', 'shop.local'],
      ['a *.test host', 'www.store.test'],
      ['a private address', '192.168.1.20'],
      ['a loopback IPv6 address', '[::1]'],
      ['a configured pattern (DEVELOPMENT_DOMAIN_PATTERNS)', 'demo.staging.licensor-tests.com'],
    ])('never binds %s: 422 INVALID_DOMAIN, reason development_host', async (_name, domain) => {
      const license = await newLicense();
      const response = await bind(license.id, domain).expect(422);
      expect(response.body).toMatchObject({ code: 'INVALID_DOMAIN', reason: 'development_host' });
      expect(response.body.detail).toContain('verifies for any active license without being bound');
      expect((await stored(license.id)).domains).toEqual([]);
    });

    it('binds a name that only contains a development word, matched by whole labels', async () => {
      const license = await newLicense();
      await bind(license.id, 'x.developer.com').expect(201);
    });

    it('answers 400 for a missing or non-string domain', async () => {
      const license = await newLicense();
      const missing = await t.http().post(`/v1/licenses/${license.id}/domains`).set('Authorization', shopA).send({});
      expect(missing.status).toBe(400);
      expect(missing.body.code).toBe('VALIDATION_FAILED');
      await bind(license.id, 42).expect(400);
    });

    it("lets staff bind on any license and answers 404 to another storefront's caller", async () => {
      const license = await newLicense();
      const other = await bind(license.id, newDomain(), shopB).expect(404);
      expect(other.body.code).toBe('NOT_FOUND');
      await bind('00000000-0000-4000-8000-000000000000', newDomain()).expect(404);
      await bind('not-a-uuid', newDomain()).expect(400);
      const response = await bind(license.id, newDomain(), staff).expect(201);
      expect((await domainEvents(license.id))[0]).toMatchObject({ type: 'domain_bound', actor_type: 'staff' });
      expect(response.body.domains).toHaveLength(1);
      await t.http().post(`/v1/licenses/${license.id}/domains`).send({ domain: newDomain() }).expect(401);
    });

    it('replays a bind under the same Idempotency-Key', async () => {
      const license = await newLicense({ storefronts: 2 });
      const domain = newDomain();
      const first = await bind(license.id, domain).set('Idempotency-Key', 'bind-1').expect(201);
      const replay = await bind(license.id, domain).set('Idempotency-Key', 'bind-1').expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      await bind(license.id, newDomain()).set('Idempotency-Key', 'bind-1').expect(422);
    });
  });

  describe('PUT /v1/licenses/{id}/domains/{domain}', () => {
    it('changes a domain twice, then refuses the third change with 409 DOMAIN_CHANGE_LIMIT_REACHED', async () => {
      const [first, second, third, fourth] = [newDomain(), newDomain(), newDomain(), newDomain()];
      const license = await newLicense({ domain: first });

      const one = await change(license.id, `https://www.${first}/store`, second).expect(200);
      expect(one.body).toMatchObject({ domains: [second], domainChangesUsed: 1, domainChangesLeft: 1 });
      const two = await change(license.id, second, `WWW.${third.toUpperCase()}`, staff).expect(200);
      expect(two.body).toMatchObject({ domains: [third], domainChangesUsed: 2, domainChangesLeft: 0 });
      const refused = await change(license.id, third, fourth).expect(409);
      expect(refused.body).toMatchObject({
        code: 'DOMAIN_CHANGE_LIMIT_REACHED',
        domainChangesUsed: 2,
        domainChangesAllowed: 2,
      });

      expect(await stored(license.id)).toEqual({ used: 2, granted: 0, domains: [third] });
      expect(await domainEvents(license.id)).toEqual([
        expect.objectContaining({ type: 'domain_bound', after: { domain: first } }),
        {
          type: 'domain_changed',
          actor_type: 'api_client',
          actor_name: 'Shop A',
          before: { domain: first, domainChangesUsed: 0 },
          after: { domain: second, domainChangesUsed: 1 },
          reason: null,
        },
        expect.objectContaining({
          type: 'domain_changed',
          actor_type: 'staff',
          before: { domain: second, domainChangesUsed: 1 },
          after: { domain: third, domainChangesUsed: 2 },
        }),
      ]);
      expect(await webhooks(license.id)).toEqual([
        ['license.domain_bound', [first]],
        ['license.domain_changed', [second]],
        ['license.domain_changed', [third]],
      ]);
    });

    it('keeps the other slots of a multi-storefront license', async () => {
      const [a, b, c] = [newDomain(), newDomain(), newDomain()];
      const license = await newLicense({ storefronts: 2, domain: a });
      await bind(license.id, b).expect(201);
      const response = await change(license.id, a, c).expect(200);
      expect([...response.body.domains].sort()).toEqual([b, c].sort());
    });

    it('treats a change to the same normalised domain as a no-op that counts nothing, even with the cap used', async () => {
      const [first, second, third] = [newDomain(), newDomain(), newDomain()];
      const license = await newLicense({ domain: first });
      const same = await change(license.id, first, `https://www.${first}:443/other`).expect(200);
      expect(same.body).toMatchObject({ domains: [first], domainChangesUsed: 0, domainChangesLeft: 2 });
      await change(license.id, first, second).expect(200);
      await change(license.id, second, third).expect(200);
      await change(license.id, third, third.toUpperCase()).expect(200);
      expect(await stored(license.id)).toEqual({ used: 2, granted: 0, domains: [third] });
      expect((await domainEvents(license.id)).map((event) => event.type)).toEqual([
        'domain_bound',
        'domain_changed',
        'domain_changed',
      ]);
    });

    it('answers 404 for a domain that is not bound and 409 DOMAIN_ALREADY_BOUND for one the license has', async () => {
      const [a, b] = [newDomain(), newDomain()];
      const license = await newLicense({ storefronts: 2, domain: a });
      await bind(license.id, b).expect(201);
      const missing = await change(license.id, newDomain(), newDomain()).expect(404);
      expect(missing.body).toMatchObject({ code: 'NOT_FOUND', domains: [a, b] });
      await change(license.id, 'shop.local', newDomain()).expect(404);
      await change(license.id, 'intranet', newDomain()).expect(404);
      const taken = await change(license.id, a, `www.${b}`).expect(409);
      expect(taken.body.code).toBe('DOMAIN_ALREADY_BOUND');
      expect(await stored(license.id)).toMatchObject({ used: 0 });
    });

    it('refuses an invalid or development new domain without counting it', async () => {
      const first = newDomain();
      const license = await newLicense({ domain: first });
      expect((await change(license.id, first, 'intranet').expect(422)).body.code).toBe('INVALID_DOMAIN');
      expect((await change(license.id, first, 'localhost').expect(422)).body.reason).toBe('development_host');
      expect((await change(license.id, first, '10.1.2.3').expect(422)).body.reason).toBe('development_host');
      expect(await stored(license.id)).toEqual({ used: 0, granted: 0, domains: [first] });
    });

    it("answers 404 to another storefront's caller", async () => {
      const first = newDomain();
      const license = await newLicense({ domain: first });
      expect((await change(license.id, first, newDomain(), shopB).expect(404)).body.code).toBe('NOT_FOUND');
      expect(await stored(license.id)).toEqual({ used: 0, granted: 0, domains: [first] });
    });

    it('replays a change under the same Idempotency-Key and counts it once', async () => {
      const [first, second] = [newDomain(), newDomain()];
      const license = await newLicense({ domain: first });
      const once = await change(license.id, first, second).set('Idempotency-Key', 'change-1').expect(200);
      const replay = await change(license.id, first, second).set('Idempotency-Key', 'change-1').expect(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(once.body);
      expect(await stored(license.id)).toMatchObject({ used: 1, domains: [second] });
    });
  });

  describe('POST /v1/licenses/{id}/domain-change-grants', () => {
    it('lets an admin grant extra changes with a reason, which the history keeps', async () => {
      const domains = [newDomain(), newDomain(), newDomain(), newDomain(), newDomain(), newDomain()];
      const license = await newLicense({ domain: domains[0] });
      await change(license.id, domains[0], domains[1]).expect(200);
      await change(license.id, domains[1], domains[2]).expect(200);
      await change(license.id, domains[2], domains[3]).expect(409);

      const granted = await grant(license.id, { extra: 2, reason: '  Moved the shop during a redesign  ' }).expect(201);
      expect(granted.body).toMatchObject({ domainChangesUsed: 2, domainChangesLeft: 2 });
      await change(license.id, domains[2], domains[3]).expect(200);
      const last = await change(license.id, domains[3], domains[4]).expect(200);
      expect(last.body).toMatchObject({ domainChangesUsed: 4, domainChangesLeft: 0 });
      const refused = await change(license.id, domains[4], domains[5]).expect(409);
      expect(refused.body).toMatchObject({ code: 'DOMAIN_CHANGE_LIMIT_REACHED', domainChangesAllowed: 4 });

      expect(await stored(license.id)).toEqual({ used: 4, granted: 2, domains: [domains[4]] });
      const grantEvents = (await events(license.id)).filter((event) => event.type === 'domain_changes_granted');
      expect(grantEvents).toEqual([
        {
          type: 'domain_changes_granted',
          actor_type: 'staff',
          actor_name: 'admin@licensor.test',
          before: { domainChangesGranted: 0, domainChangesLeft: 0 },
          after: { domainChangesGranted: 2, domainChangesLeft: 2 },
          reason: 'Moved the shop during a redesign',
        },
      ]);
      // No webhook type exists for a grant.
      expect((await webhooks(license.id)).map(([type]) => type)).not.toContain('license.domain_changes_granted');
      const history = await t.http().get(`/v1/licenses/${license.id}/events`).set('Authorization', staff).expect(200);
      expect(history.body.map((event: { type: string }) => event.type)).toContain('domain_changes_granted');
    });

    it('is for admins only: staff and storefronts get 403', async () => {
      const license = await newLicense();
      const body = { extra: 1, reason: 'Goodwill' };
      expect((await grant(license.id, body, staff).expect(403)).body.code).toBe('FORBIDDEN');
      await grant(license.id, body, shopA).expect(403);
      expect(await stored(license.id)).toMatchObject({ granted: 0 });
    });

    it.each([
      [{ extra: 0, reason: 'x' }],
      [{ extra: 11, reason: 'x' }],
      [{ extra: 1.5, reason: 'x' }],
      [{ extra: '2', reason: 'x' }],
      [{ extra: 1 }],
      [{ extra: 1, reason: '   ' }],
    ])('refuses %p with 400', async (body) => {
      const license = await newLicense();
      expect((await grant(license.id, body).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('answers 404 for an unknown license and replays under the same Idempotency-Key', async () => {
      await grant('00000000-0000-4000-8000-000000000000', { extra: 1, reason: 'x' }).expect(404);
      const license = await newLicense();
      const first = await grant(license.id, { extra: 1, reason: 'once' }).set('Idempotency-Key', 'grant-1').expect(201);
      const replay = await grant(license.id, { extra: 1, reason: 'once' })
        .set('Idempotency-Key', 'grant-1')
        .expect(201);
      expect(replay.body).toEqual(first.body);
      expect(await stored(license.id)).toMatchObject({ granted: 1 });
    });
  });

  it('refuses every domain change of a revoked license with 409 LICENSE_REVOKED', async () => {
    const first = newDomain();
    const license = await newLicense({ storefronts: 2, domain: first });
    await t
      .http()
      .post(`/v1/licenses/${license.id}/revoke`)
      .set('Authorization', staff)
      .send({ reason: 'Refund' })
      .expect(200);
    expect((await bind(license.id, newDomain()).expect(409)).body.code).toBe('LICENSE_REVOKED');
    expect((await change(license.id, first, newDomain()).expect(409)).body.code).toBe('LICENSE_REVOKED');
    expect((await grant(license.id, { extra: 1, reason: 'x' }).expect(409)).body.code).toBe('LICENSE_REVOKED');
    expect(await stored(license.id)).toEqual({ used: 0, granted: 0, domains: [first] });
  });

  describe('DomainBindingService.bindForVerification', () => {
    const addon = { type: 'addon' as const, id: null, name: 'cp_power_scroll_pagination' };

    const bindInTransaction = (licenseId: string, domains: string[]) => {
      t.clock.advance(1000);
      return t.dataSource.transaction(async (manager) => {
        const license = await t.app.get(LicensesRepository).lockLicense(manager, licenseId);
        if (license === null) throw new Error('no license');
        return t.app.get(DomainBindingService).bindForVerification(manager, license, domains, addon);
      });
    };

    it('binds all or nothing: one free slot cannot take two new domains', async () => {
      const bound = newDomain();
      const license = await newLicense({ storefronts: 2, domain: bound });
      const [one, two] = [newDomain(), newDomain()];
      expect(await bindInTransaction(license.id, [one, two])).toBe(false);
      expect((await stored(license.id)).domains).toEqual([bound]);
      expect(await domainEvents(license.id)).toHaveLength(1);

      expect(await bindInTransaction(license.id, [bound, one])).toBe(true);
      expect((await stored(license.id)).domains).toEqual([bound, one].sort());
      const [, added] = await domainEvents(license.id);
      expect(added).toEqual({
        type: 'domain_bound',
        actor_type: 'addon',
        actor_name: 'cp_power_scroll_pagination',
        before: null,
        after: { domain: one },
        reason: null,
      });
      expect(await webhooks(license.id)).toEqual([
        ['license.domain_bound', [bound]],
        ['license.domain_bound', [bound, one]],
      ]);

      // Everything bound already: true, and nothing new is recorded, even with no free slot left.
      expect(await bindInTransaction(license.id, [one, bound])).toBe(true);
      expect(await bindInTransaction(license.id, [two])).toBe(false);
      expect(await domainEvents(license.id)).toHaveLength(2);
    });

    it('binds several new domains into as many free slots, one event each', async () => {
      const license = await newLicense({ storefronts: 3 });
      const domains = [newDomain(), newDomain(), newDomain()];
      expect(await bindInTransaction(license.id, domains)).toBe(true);
      expect((await stored(license.id)).domains).toEqual([...domains].sort());
      expect((await domainEvents(license.id)).map((event) => event.after)).toEqual(
        domains.map((domain) => ({ domain })),
      );
    });
  });
});
