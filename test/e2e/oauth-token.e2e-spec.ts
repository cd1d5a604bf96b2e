import { createTestApp, TestApp } from '../support/test-app';
import { TEST_ADMIN } from '../support/test-config';

/** POST /v1/auth/token: the OAuth 2.0 password grant (RFC 6749 §4.3) behind Swagger UI's Authorize dialog. */
describe('OAuth token endpoint (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const form = { grant_type: 'password', username: TEST_ADMIN.email, password: TEST_ADMIN.password };
  const token = (body: string | object) => t.http().post('/v1/auth/token').type('form').send(body);

  const expectOAuthError = (
    response: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
    error: string,
  ) => {
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['pragma']).toBe('no-cache');
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.body).toEqual({ error, error_description: expect.any(String) });
  };

  it('answers a bearer access token, never cached, that the API then accepts', async () => {
    const response = await token(form).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['pragma']).toBe('no-cache');
    expect(response.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    const me = await t
      .http()
      .get('/v1/auth/me')
      .set('Authorization', `Bearer ${response.body.access_token}`)
      .expect(200);
    expect(me.body).toMatchObject({ kind: 'staff', name: TEST_ADMIN.email, role: 'admin' });
  });

  it('takes the request as Swagger UI sends it: empty scope, empty client credentials in Basic auth', async () => {
    const response = await token(
      `grant_type=password&scope=&username=${encodeURIComponent(form.username)}&password=${encodeURIComponent(form.password)}`,
    )
      .set('Authorization', `Basic ${Buffer.from(':').toString('base64')}`)
      .expect(200);
    expect(response.body.token_type).toBe('Bearer');
  });

  it('accepts the e-mail in any case and a charset on the media type', async () => {
    await t
      .http()
      .post('/v1/auth/token')
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8')
      .send(new URLSearchParams({ ...form, username: form.username.toUpperCase() }).toString())
      .expect(200);
  });

  it.each([
    ['a wrong password', { ...form, password: 'not-the-password' }],
    ['an unknown e-mail', { ...form, username: 'nobody@licensor.test' }],
  ])('refuses %s with invalid_grant', async (_case, body) => {
    const response = await token(body);
    expectOAuthError(response, 'invalid_grant');
    expect(response.body.access_token).toBeUndefined();
  });

  it.each([
    ['another grant type', 'unsupported_grant_type', { ...form, grant_type: 'client_credentials' }],
    ['no grant_type', 'invalid_request', { username: form.username, password: form.password }],
    ['no username', 'invalid_request', { grant_type: 'password', password: form.password }],
    ['no password', 'invalid_request', { grant_type: 'password', username: form.username }],
    ['an empty form', 'invalid_request', {}],
    [
      'a repeated parameter',
      'invalid_request',
      'grant_type=password&username=a%40b.test&username=c%40d.test&password=x',
    ],
    ['a scope', 'invalid_scope', { ...form, scope: 'licenses' }],
  ])('refuses %s with %s', async (_case, error, body) => {
    expectOAuthError(await token(body), error);
  });

  it('refuses a JSON body with invalid_request, since RFC 6749 defines only the form encoding', async () => {
    const response = await t.http().post('/v1/auth/token').send(form);
    expectOAuthError(response, 'invalid_request');
    expect(response.body.error_description).toMatch(/x-www-form-urlencoded/);
  });

  it('lets no token be cached from the JSON login either', async () => {
    const response = await t.http().post('/v1/auth/login').send(TEST_ADMIN).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('keeps every other route JSON-only', async () => {
    const response = await t
      .http()
      .post('/v1/auth/login')
      .type('form')
      .send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password })
      .expect(415);
    expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('is declared as the OAuth2 password flow that every protected operation accepts next to the bearer token', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body;
    expect(document.components.securitySchemes.staffLogin).toMatchObject({
      type: 'oauth2',
      flows: { password: { tokenUrl: '/v1/auth/token', scopes: {} } },
    });
    expect(document.paths['/v1/licenses/{id}/delivery'].post.security).toEqual([{ bearer: [] }, { staffLogin: [] }]);
    expect(document.paths['/v1/auth/token'].post.security).toBeUndefined();
    expect(Object.keys(document.paths['/v1/auth/token'].post.requestBody.content)).toEqual([
      'application/x-www-form-urlencoded',
    ]);
  });
});
