import { AddressInfo, connect } from 'node:net';
import { CatalogService } from '../../src/modules/catalog/catalog.service';
import { createTestApp, TestApp } from '../support/test-app';

/** Every failure, whatever raises it, is answered as application/problem+json with a stable code. */
describe('error answers (e2e)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
  });
  afterAll(async () => {
    await t.close();
  });

  const expectProblem = (
    response: { headers: Record<string, string>; body: Record<string, unknown> },
    code: string,
  ) => {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      code,
      type: expect.stringMatching(/^urn:licensor:problem:/),
      title: expect.any(String),
    });
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
    expect(JSON.stringify(response.body)).not.toMatch(/\bat \S+:\d+|node_modules|QueryFailedError/);
  };

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const response = await t.http().get('/v1/no-such-thing').expect(404);
    expectProblem(response, 'NOT_FOUND');
    expect(response.body).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await t
      .http()
      .post('/v1/products')
      .set('Authorization', admin)
      .set('Content-Type', 'application/json')
      .send('{"sku": "a",')
      .expect(400);
    expectProblem(response, 'MALFORMED_JSON');
    expect(response.body.detail).toBe('The request body is not valid JSON.');
  });

  it('answers a body over 1 MB with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await t
      .http()
      .post('/v1/products')
      .set('Authorization', admin)
      .send({ name: 'x'.repeat(1_100_000) })
      .expect(413);
    expectProblem(response, 'PAYLOAD_TOO_LARGE');
  });

  it('takes a body just under 1 MB to validation', async () => {
    const response = await t
      .http()
      .post('/v1/products')
      .set('Authorization', admin)
      .send({ name: 'x'.repeat(1_000_000) })
      .expect(400);
    expectProblem(response, 'VALIDATION_FAILED');
  });

  it.each([
    ['text/plain', 'name=Form'],
    ['application/x-www-form-urlencoded', 'name=Form'],
  ])('answers a %s body with 415 UNSUPPORTED_MEDIA_TYPE', async (contentType, body) => {
    const response = await t
      .http()
      .patch('/v1/products/anything')
      .set('Authorization', admin)
      .set('Content-Type', contentType)
      .send(body)
      .expect(415);
    expectProblem(response, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('lists every invalid field with 400 VALIDATION_FAILED', async () => {
    const response = await t
      .http()
      .post('/v1/products')
      .set('Authorization', admin)
      .send({ sku: 'ok-sku', price: -1, unknownField: true })
      .expect(400);
    expectProblem(response, 'VALIDATION_FAILED');
    const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['price', 'unknownField', 'name', 'vendor', 'currency']));
  });

  it('refuses a NUL character in any field with 400 VALIDATION_FAILED naming it', async () => {
    const verify = await t
      .http()
      .post('/v1/licenses/verify')
      .send({ licenseKey: 'CP-AB\u0000CD', domain: 'shop.example.com', product: 'any' })
      .expect(400);
    expectProblem(verify, 'VALIDATION_FAILED');
    expect(verify.body.errors).toEqual([{ field: 'licenseKey', message: 'licenseKey must not contain NUL' }]);
    const search = await t.http().get('/v1/licenses?domain=a%00b.com').set('Authorization', admin).expect(400);
    expect(search.body.errors).toEqual([{ field: 'domain', message: 'domain must not contain NUL' }]);
  });

  it('refuses half of a surrogate pair anywhere with 400 VALIDATION_FAILED, before any validator meets it', async () => {
    // The e-mail validator threw URIError on it, a 500 on a public route.
    const login = await t.http().post('/v1/auth/login').send({ email: '\ud800@x.com', password: 'whatever-it-is' });
    expect(login.status).toBe(400);
    expectProblem(login, 'VALIDATION_FAILED');
    expect(login.body.errors).toEqual([
      { field: 'email', message: 'email must be Unicode text; it holds half of a surrogate pair' },
    ]);
    const token = await t
      .http()
      .post('/v1/auth/token')
      .type('form')
      .send('grant_type=password&username=a%00b&password=x');
    expect(token.status).toBe(400);
    expect(token.body).toEqual({ error: 'invalid_request', error_description: 'username must not contain NUL.' });
  });

  it.each([
    ['1 500 nested arrays', '['.repeat(1500) + ']'.repeat(1500)],
    ['100 000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['3 000 nested objects', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)],
    ['33 levels inside a field', JSON.stringify({ licenseKey: JSON.parse('['.repeat(33) + ']'.repeat(33)) })],
  ])('refuses a JSON body with %s with 400 VALIDATION_FAILED, not a stack overflow', async (_name, body) => {
    for (const path of ['/v1/licenses/verify', '/v1/orders']) {
      const response = await t.http().post(path).set('Content-Type', 'application/json').send(body);
      expect(response.status).toBe(400);
      expectProblem(response, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field: 'body', message: 'body must not nest more than 32 levels deep' }]);
    }
  });

  it.each(['/v1/products/%ED%A0%80', '/v1/orders/%ED%A0%80/licenses', '/v1/customers/%E0%A4%A/licenses'])(
    'answers %s, a path that is not percent-encoded UTF-8, as a problem with its request id',
    async (path) => {
      const response = await t.http().get(path).set('Authorization', admin);
      expect(response.status).toBe(400);
      expectProblem(response, 'BAD_REQUEST');
    },
  );

  it('leaves a Content-Type it cannot parse to the route when there is no body, as before: no 415 ahead of it', async () => {
    const response = await t
      .http()
      .post('/v1/webhooks')
      .set('Content-Type', 'application/json, text/plain')
      .set('Content-Length', '0')
      .expect(401);
    expectProblem(response, 'UNAUTHENTICATED');
  });

  it('answers a path with an empty segment where a route has a parameter as no route at all', async () => {
    const response = await t.http().get('/v1/customers//licenses').set('Authorization', admin).expect(404);
    expectProblem(response, 'NOT_FOUND');
  });

  it('answers an unexpected failure with a bare 500 that leaks nothing', async () => {
    const spy = jest
      .spyOn(t.app.get(CatalogService), 'listVendors')
      .mockRejectedValueOnce(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    const response = await t.http().get('/v1/vendors').set('Authorization', admin).expect(500);
    spy.mockRestore();
    expectProblem(response, 'INTERNAL_ERROR');
    expect(JSON.stringify(response.body)).not.toMatch(/ECONNREFUSED|hunter2|10\.0\.0\.5/);
  });

  it('does not announce the framework', async () => {
    const response = await t.http().get('/health').expect(200);
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  describe('on a kept-alive connection', () => {
    // An app of its own that listens, as the service does (supertest starts and stops a server per request).
    let listening: TestApp;
    let port: number;
    beforeAll(async () => {
      listening = await createTestApp();
      await listening.app.listen(0, '127.0.0.1');
      port = (listening.app.getHttpServer().address() as AddressInfo).port;
    });
    afterAll(async () => {
      await listening.close();
    });

    /**
     * Sends `requests` one after the other on one connection, each once the answer before it came, as a client
     * that keeps connections alive does, and resolves to the status line of every answer read until the server
     * closed the connection or every request was answered.
     */
    async function exchange(requests: string[]): Promise<string[]> {
      return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let received = '';
        // An answer's status line follows the body before it on the same line: a body ends without a line break.
        const statusLines = () => [...received.matchAll(/HTTP\/1\.1 \d{3}[^\r\n]*/g)].map(([line]) => line);
        const finish = () => {
          clearTimeout(timer);
          clearTimeout(next);
          socket.destroy();
          resolve(statusLines());
        };
        const timer = setTimeout(finish, 5_000);
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('latin1');
          lastReceived = received;
          const answered = statusLines().length;
          if (answered >= requests.length) finish();
          // The next request once this answer has had time to arrive whole: a client waits for the answer.
          else if (answered === sent && next === undefined) {
            next = setTimeout(() => {
              next = undefined;
              socket.write(requests[sent++]);
            }, 50);
          }
        });
        socket.on('close', finish);
        socket.on('error', reject);
        let sent = 1;
        let next: NodeJS.Timeout | undefined;
        socket.write(requests[0]);
      });
    }
    const health = 'GET /health HTTP/1.1\r\nHost: licensor\r\n\r\n';
    /** Everything the last {@link exchange} read. */
    let lastReceived = '';

    it('answers the next request on a connection after refusing a body, read or unread', async () => {
      const notJson = (path: string) =>
        `POST ${path} HTTP/1.1\r\nHost: licensor\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello`;
      const malformed =
        'POST /v1/licenses/verify HTTP/1.1\r\nHost: licensor\r\nContent-Type: application/json\r\n' +
        'Content-Length: 8\r\n\r\n{"licens';
      // Over the 1 MB limit, sent in chunks without a length: refused once the parser has read past the limit.
      const chunk = `{"name":"${'x'.repeat(64 * 1024)}`;
      const tooLarge =
        'POST /v1/products HTTP/1.1\r\nHost: licensor\r\nContent-Type: application/json\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n' +
        `${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(24) +
        '0\r\n\r\n';
      expect(
        await exchange([
          tooLarge,
          health,
          notJson('/v1/licenses/verify'),
          health,
          notJson('/v1/nowhere'),
          malformed,
          health,
        ]),
      ).toEqual([
        'HTTP/1.1 413 Payload Too Large',
        'HTTP/1.1 200 OK',
        'HTTP/1.1 415 Unsupported Media Type',
        'HTTP/1.1 200 OK',
        'HTTP/1.1 415 Unsupported Media Type',
        'HTTP/1.1 400 Bad Request',
        'HTTP/1.1 200 OK',
      ]);
    });

    it('answers a request target that is no path (`*`) with 404 and its request id, in the header and the problem', async () => {
      expect(await exchange(['GET * HTTP/1.1\r\nHost: licensor\r\n\r\n'])).toEqual(['HTTP/1.1 404 Not Found']);
      const requestId = /^X-Request-Id: (\S+)\r$/im.exec(lastReceived)?.[1];
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(lastReceived).toContain(`"requestId":"${requestId}"`);
    });

    it('answers headers over 16 KiB as Node does, 431 with Connection: close, and closes the connection', async () => {
      const oversized = `GET /health HTTP/1.1\r\nHost: licensor\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`;
      expect(await exchange([oversized, health])).toEqual(['HTTP/1.1 431 Request Header Fields Too Large']);
      expect(lastReceived).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\nConnection: close\r\n/);
    });
  });
});
