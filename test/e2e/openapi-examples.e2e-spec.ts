import type { OpenAPIObject, OperationObject, SchemaObject } from '@nestjs/swagger';
import { createTestApp, TestApp } from '../support/test-app';
import { exampleRequest, sendExampleBody } from '../support/openapi-operations';

/**
 * The request examples of the OpenAPI document run as they are, one after the other, as a staff user who
 * presses "Try it out" and "Execute" in Swagger UI without editing anything would run them: only the ids
 * that the service generates (a license id) are filled in.
 */
describe('the request examples of the OpenAPI document (e2e)', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  let admin: string;
  let storefront: string;

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http().get('/docs-json').expect(200)).body as OpenAPIObject;
    admin = await t.adminAuth();
    storefront = await t.storefrontAuth();
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * Sends an operation with its example body and example parameters (`ids` fills in the others) and expects
   * `status`; a failure shows the answer.
   */
  const run = async (method: string, path: string, auth: string, status: number, ids: Record<string, string> = {}) => {
    const operation = (document.paths[path] as Record<string, OperationObject>)[method];
    const parameters = (
      (operation.parameters ?? []) as { name: string; in: string; example?: unknown; schema?: SchemaObject }[]
    ).map((parameter) => ({ ...parameter, example: parameter.example ?? parameter.schema?.example }));
    const value = (name: string) => ids[name] ?? String(parameters.find((p) => p.name === name)?.example);
    const url = path.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(value(name)));
    const query = Object.fromEntries(
      parameters.filter((p) => p.in === 'query' && p.example !== undefined).map((p) => [p.name, value(p.name)]),
    );
    const call = t
      .http()
      [method as 'get' | 'post' | 'put' | 'patch' | 'delete'](url)
      .query(query)
      .set('Authorization', auth);
    const body = exampleRequest(document, operation).body;
    const response = await (body === undefined ? call : sendExampleBody(call, body.type, body.value));
    if (response.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response;
  };

  it('create a product and its release, place an order, and work on its license', async () => {
    await run('post', '/v1/products', admin, 201);
    await run('patch', '/v1/products/{sku}', admin, 200);
    await run('post', '/v1/products/{sku}/releases', admin, 201);
    const order = await run('post', '/v1/orders', storefront, 201);
    const id = order.body.licenses[0].id as string;
    expect(order.body.licenses[0]).toMatchObject({ status: 'active', domains: ['shop.example.com'] });

    await run('get', '/v1/licenses/{id}/storefront-quote', admin, 200, { id });
    await run('post', '/v1/licenses/{id}/storefronts', storefront, 200, { id });
    await run('post', '/v1/licenses/{id}/domains', storefront, 200, { id });
    await run('put', '/v1/licenses/{id}/domains/{domain}', storefront, 200, { id });
    await run('post', '/v1/licenses/{id}/domain-change-grants', admin, 201, { id });
    await run('get', '/v1/licenses/{id}/renewal-quote', storefront, 200, { id });
    await run('post', '/v1/licenses/{id}/renewals', admin, 201, { id });
    await run('get', '/v1/licenses/{id}/downloads', storefront, 200, { id });
    await run('post', '/v1/licenses/{id}/downloads/{version}', storefront, 200, { id });
    await run('post', '/v1/licenses/verify', storefront, 200);
    await run('post', '/v1/licenses/{id}/suspend', admin, 200, { id });
    await run('post', '/v1/licenses/{id}/reinstate', admin, 200, { id });
    await run('post', '/v1/licenses/{id}/revoke', admin, 200, { id });
  });

  it('ask as the current add-ons do: the manager for the catalog, the Upgrade Center for an update', async () => {
    // The product of the first example is an add-on: the catalog lists it.
    const catalog = await run('post', '/license_api.php', '', 200);
    expect(catalog.body.data.addons).toEqual(
      expect.arrayContaining([expect.objectContaining({ addon_name: 'cp_power_scroll_pagination' })]),
    );
    // The example's license number is no license: nothing to take.
    const updates = await run('get', '/addon_updates.php', '', 200);
    expect(updates.text).toContain('<packages/>');
  });

  it('set a business-calendar day, list the days and the changes, and remove the day', async () => {
    await run('post', '/v1/business-calendar/days', admin, 201);
    await run('post', '/v1/business-calendar/days', admin, 200);
    const days = await run('get', '/v1/business-calendar/days', admin, 200);
    expect(days.body.days).toContainEqual(expect.objectContaining({ date: '2026-12-31', workday: false }));
    await run('get', '/v1/business-calendar/changes', admin, 200);
    await run('delete', '/v1/business-calendar/days/{date}', admin, 204);
  });

  it('create a staff user, an API client and a webhook', async () => {
    await run('post', '/v1/staff-users', admin, 201);
    await run('post', '/v1/api-clients', admin, 201);
    await run('post', '/v1/webhooks', admin, 201);
  });

  it('work on that staff user: her own password change, her role, a reset, disable, enable, the audit log', async () => {
    // The examples fit together: she logs in with the password the creation example gave her, and changes it.
    const users = (await t.http().get('/v1/staff-users').set('Authorization', admin).expect(200)).body as {
      id: string;
      email: string;
    }[];
    const anna = users.find((user) => user.email === 'anna@cart-power.example');
    if (anna === undefined) throw new Error('The example staff user was not created');
    const login = await t
      .http()
      .post('/v1/auth/login')
      .send({ email: anna.email, password: 'a long passphrase of hers' })
      .expect(200);
    await run('post', '/v1/staff-users/me/password', `Bearer ${login.body.accessToken}`, 200);
    const id = anna.id;
    await run('put', '/v1/staff-users/{id}/role', admin, 200, { id });
    await run('post', '/v1/staff-users/{id}/password-reset', admin, 200, { id });
    await run('post', '/v1/staff-users/{id}/disable', admin, 200, { id });
    await run('post', '/v1/staff-users/{id}/enable', admin, 200, { id });
    const log = await run('get', '/v1/staff-actions', admin, 200, { targetId: id, actorId: id });
    expect(log.body.items).toEqual([expect.objectContaining({ action: 'password_changed' })]);
  });
});

/** The body Swagger UI puts in "Try it out": the first named example, else one built from the schema's examples. */
