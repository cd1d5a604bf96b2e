import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { managerPlaintext, postManager, sealEnvelope } from '../support/addon-manager';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TEST_NOW } from '../support/test-app';
import { ENGINES, TestEngine } from '../support/database';
import { AppConfig } from '../../src/config/app-config';

const MiB = 1024 * 1024;
/** The test apps' PACKAGE_MAX_BYTES: room for the multi-MiB packages below, small enough to go over cheaply. */
const MAX_BYTES = 24 * MiB;
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const GZIP_SIGNATURE = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);

/** `size` random bytes that begin as a zip archive (or gzip data) does. */
function packageOf(size: number, signature = ZIP_SIGNATURE): Buffer {
  const bytes = randomBytes(size);
  signature.copy(bytes, 0, 0, Math.min(signature.length, size));
  return bytes;
}

const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

/** supertest's parser for a download: a package as one Buffer, a problem document as its JSON. */
function binary(response: http.IncomingMessage, callback: (error: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => {
    const body = Buffer.concat(chunks);
    const json = (response.headers['content-type'] ?? '').includes('json');
    callback(null, json ? JSON.parse(body.toString()) : body);
  });
}

interface License {
  id: string;
  key: string;
}

interface StoredPackage {
  size: number;
  md5: string;
  contentType: string;
  fileName: string;
  uploadedAt: string;
}

/** What one app of this file needs: its catalog, its credentials and its helpers. */
async function packagesApp(engine: TestEngine, overrides: Partial<AppConfig> = {}) {
  const t = await createTestApp({ packageMaxBytes: MAX_BYTES, ...overrides }, { engine });
  // Listening, so that raw requests (chunked uploads, paused and aborted downloads) reach it as supertest's do.
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const admin = await t.adminAuth();
  const shop = await t.storefrontAuth('Package shop');
  const staff = await t.staffAuth('staff');

  /** PUT of a package; `type` null sends no Content-Type, `auth` '' no credentials. */
  const upload = (path: string, body: Buffer | undefined, type: string | null = 'application/zip', auth = admin) => {
    let request = t.http().put(path);
    if (auth !== '') request = request.set('Authorization', auth);
    if (type !== null) request = request.set('Content-Type', type);
    return body === undefined ? request : request.send(body);
  };
  const download = (token: string, method: 'get' | 'head' = 'get') =>
    t
      .http()
      [method](`/v1/downloads/${token}`)
      .buffer(true)
      // superagent hands its parser the IncomingMessage, which its typings call a Response.
      .parse(binary as never);
  const tokenFor = async (license: License, version: string): Promise<string> =>
    (await t.http().post(`/v1/licenses/${license.id}/downloads/${version}`).set('Authorization', shop).expect(200)).body
      .token as string;
  const releases = async (sku: string): Promise<{ version: string; package: StoredPackage | null }[]> =>
    (await t.http().get(`/v1/products/${sku}/releases`).set('Authorization', staff).expect(200)).body;
  const largeObjects = async (): Promise<number[]> =>
    (await t.dataSource.query<{ oid: string }[]>('SELECT oid FROM pg_largeobject_metadata ORDER BY oid')).map((row) =>
      Number(row.oid),
    );
  const contentOid = async (sku: string, version: string): Promise<number> => {
    const [row] = await t.dataSource.query<{ oid: string }[]>(
      `SELECT p.content_oid AS oid FROM release_packages p JOIN releases r ON r.id = p.release_id
         JOIN products pr ON pr.id = r.product_id WHERE pr.sku = $1 AND r.version = $2`,
      [sku, version],
    );
    return Number(row.oid);
  };
  const openTransactions = async (): Promise<number> => {
    const [row] = await t.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    return Number(row.count);
  };
  const createProduct = async (overrides: Record<string, unknown>, versions: [string, string][]) => {
    const product = newProduct(overrides);
    await t.http().post('/v1/products').set('Authorization', admin).send(product).expect(201);
    for (const [version, releasedAt] of versions) {
      await t
        .http()
        .post(`/v1/products/${product.sku as string}/releases`)
        .set('Authorization', admin)
        .send({ version, releasedAt })
        .expect(201);
    }
    return product.sku as string;
  };
  const buy = (sku: string) => buyLicense<License>(t, shop, { sku });

  /** GET of a download, answered as a raw response that the test reads (or pauses, or drops) itself. */
  const rawDownload = (token: string): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: `/v1/downloads/${token}` }, resolve).on('error', reject);
    });

  /**
   * PUT of a package with `Transfer-Encoding: chunked` (no Content-Length), sent in pieces; stops sending when the
   * answer comes first, as a client does that reads while it sends.
   */
  const chunkedUpload = (path: string, pieces: Buffer[]): Promise<{ status: number; body: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      let answered = false;
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path,
        headers: { authorization: admin, 'content-type': 'application/zip', 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) });
          request.destroy();
        });
      });
      request.on('error', (error) => {
        if (!answered) reject(error);
      });
      void (async () => {
        for (const piece of pieces) {
          if (answered || request.destroyed) return;
          if (!request.write(piece)) await new Promise((drained) => request.once('drain', drained));
        }
        request.end();
      })();
    });

  /** A chunked PUT of a package whose client sends `pieces`, then drops the connection without ending the body. */
  const abortedUpload = (path: string, pieces: Buffer[]): Promise<void> =>
    new Promise((resolve) => {
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path,
        headers: { authorization: admin, 'content-type': 'application/zip', 'transfer-encoding': 'chunked' },
      });
      request.on('error', () => undefined);
      request.on('close', () => resolve());
      void (async () => {
        for (const piece of pieces) {
          if (!request.write(piece)) await new Promise((drained) => request.once('drain', drained));
        }
        // Long enough for the server to be writing the pieces into the database.
        await new Promise((settle) => setTimeout(settle, 200));
        request.destroy();
      })();
    });

  return {
    t,
    admin,
    shop,
    staff,
    upload,
    download,
    tokenFor,
    releases,
    largeObjects,
    contentOid,
    openTransactions,
    createProduct,
    buy,
    rawDownload,
    chunkedUpload,
    abortedUpload,
  };
}

type PackagesApp = Awaited<ReturnType<typeof packagesApp>>;

/** Reads a raw answer to its end. */
function readAll(response: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    // A stream paused by hand stays paused when a 'data' listener comes.
    response.resume();
  });
}

/** Polls `check` until it holds, for at most two seconds. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('release packages: upload, replace, download with a token (e2e)', () => {
  let a: PackagesApp;
  let sku: string;
  const packagePath = (version: string, product = sku) => `/v1/products/${product}/releases/${version}/package`;

  beforeAll(async () => {
    a = await packagesApp('postgres');
    sku = await a.createProduct({ sku: 'pkg-scroll', addonId: 'cp_pkg_scroll' }, [
      ['1.0.0', '2026-01-10T00:00:00Z'],
      ['1.1.0', '2026-02-10T00:00:00Z'],
      ['1.2.0', '2026-02-20T00:00:00Z'],
      ['2.0.0', '2027-06-01T00:00:00Z'],
    ]);
  });
  afterAll(async () => {
    await a.t.close();
  });
  beforeEach(() => a.t.clock.set(TEST_NOW));

  describe('upload', () => {
    it('stores a first package (201) with its size and md5, and the release list shows it', async () => {
      const bytes = packageOf(300_000);
      const response = await a.upload(packagePath('1.0.0'), bytes).expect(201);
      expect(response.body).toEqual({
        size: 300_000,
        md5: md5(bytes),
        contentType: 'application/zip',
        fileName: 'cp_pkg_scroll-1.0.0.zip',
        uploadedAt: TEST_NOW.toISOString(),
      });
      const listed = await a.releases(sku);
      expect(listed.find((release) => release.version === '1.0.0')?.package).toEqual(response.body);
      expect(listed.find((release) => release.version === '1.1.0')).toMatchObject({ version: '1.1.0', package: null });
    });

    it('replaces it (200): the new bytes are served, the old ones are freed', async () => {
      await a.upload(packagePath('1.2.0'), packageOf(1000)).expect(201);
      const oldOid = await a.contentOid(sku, '1.2.0');
      const before = await a.largeObjects();
      const replacement = packageOf(5000);
      a.t.clock.advance(60_000);
      const response = await a.upload(packagePath('1.2.0'), replacement).expect(200);
      expect(response.body).toMatchObject({
        size: 5000,
        md5: md5(replacement),
        uploadedAt: a.t.clock.now().toISOString(),
      });

      const after = await a.largeObjects();
      expect(after).not.toContain(oldOid);
      expect(after).toHaveLength(before.length);
      const license = await a.buy(sku);
      const served = await a.download(await a.tokenFor(license, '1.2.0')).expect(200);
      expect(md5(served.body as Buffer)).toBe(md5(replacement));
    });

    it('takes the file name given, and both older media type names', async () => {
      const gzip = packageOf(2000, GZIP_SIGNATURE);
      const named = await a.upload(`${packagePath('1.1.0')}?fileName=scroll_1.1.0.tar.gz`, gzip, 'application/x-gzip');
      expect(named.status).toBe(201);
      expect(named.body).toMatchObject({ contentType: 'application/gzip', fileName: 'scroll_1.1.0.tar.gz' });
      const zip = await a.upload(packagePath('1.1.0'), packageOf(2000), 'application/x-zip-compressed').expect(200);
      expect(zip.body).toMatchObject({ contentType: 'application/zip', fileName: 'cp_pkg_scroll-1.1.0.zip' });
      const license = await a.buy(sku);
      const served = await a.download(await a.tokenFor(license, '1.1.0')).expect(200);
      expect(served.headers['content-type']).toBe('application/zip');
    });

    describe('refusals store nothing and keep the package before', () => {
      let kept: Buffer;
      beforeAll(async () => {
        kept = packageOf(4000);
        expect([200, 201]).toContain((await a.upload(packagePath('1.0.0'), kept)).status);
      });

      /** Runs `refuse`, then checks that 1.0.0 still has `kept` and no large object was added or left behind. */
      async function nothingStored(refuse: () => Promise<unknown>): Promise<void> {
        const before = await a.largeObjects();
        await refuse();
        expect(await a.largeObjects()).toEqual(before);
        const [release] = (await a.releases(sku)).filter((listed) => listed.version === '1.0.0');
        expect(release.package).toMatchObject({ size: kept.length, md5: md5(kept) });
        expect(await a.openTransactions()).toBe(0);
      }

      it('answers 413 for a Content-Length over PACKAGE_MAX_BYTES', async () => {
        await nothingStored(async () => {
          const response = await a.upload(packagePath('1.0.0'), packageOf(MAX_BYTES + 1)).expect(413);
          expect(response.headers['content-type']).toContain('application/problem+json');
          expect(response.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: MAX_BYTES });
          expect(response.body.detail).toContain('PACKAGE_MAX_BYTES');
        });
      });

      it('answers 413 for a chunked body that streams past PACKAGE_MAX_BYTES', async () => {
        await nothingStored(async () => {
          const pieces = [packageOf(MiB), ...Array.from({ length: MAX_BYTES / MiB + 4 }, () => randomBytes(MiB))];
          const response = await a.chunkedUpload(packagePath('1.0.0'), pieces);
          expect(response).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE', maxBytes: MAX_BYTES } });
        });
      });

      it('stores nothing when the client goes away in the middle of its body, and gives its connection back', async () => {
        await nothingStored(async () => {
          await a.abortedUpload(packagePath('1.0.0'), [packageOf(MiB), randomBytes(MiB)]);
          expect(await eventually(async () => (await a.openTransactions()) === 0)).toBe(true);
        });
        await a.upload(packagePath('1.0.0'), kept).expect(200);
      });

      it('stores a chunked body within the limit', async () => {
        const pieces = [packageOf(100_000), randomBytes(300_000), randomBytes(7)];
        const response = await a.chunkedUpload(packagePath('1.1.0'), pieces);
        expect(response).toMatchObject({ status: 200, body: { size: 400_007, md5: md5(Buffer.concat(pieces)) } });
      });

      it.each([
        ['application/octet-stream', packageOf(100)],
        ['application/json', Buffer.from('{"zip": true}')],
        ['multipart/form-data; boundary=x', packageOf(100)],
        ['text/plain', packageOf(100)],
      ])('answers 415 for %s', async (type, body) => {
        await nothingStored(async () => {
          const response = await a.upload(packagePath('1.0.0'), body, type).expect(415);
          expect(response.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
          expect(response.body.detail).toContain('application/zip');
        });
      });

      it('answers 415 without a Content-Type', async () => {
        await nothingStored(async () => {
          await a.upload(packagePath('1.0.0'), undefined, null).expect(415);
        });
      });

      it.each([
        ['an empty body', Buffer.alloc(0), 'application/zip', 'empty'],
        ['a text file', Buffer.from('not a zip at all'), 'application/zip', 'not a zip archive'],
        ['a zip archive declared as gzip', packageOf(1000), 'application/gzip', 'not gzip data'],
        ['three bytes', Buffer.from([0x50, 0x4b, 0x03]), 'application/zip', 'not a zip archive'],
      ])('answers 422 PACKAGE_NOT_AN_ARCHIVE for %s', async (_case, body, type, detail) => {
        await nothingStored(async () => {
          const response = await a.upload(packagePath('1.0.0'), body, type).expect(422);
          expect(response.body).toMatchObject({ code: 'PACKAGE_NOT_AN_ARCHIVE' });
          expect(response.body.detail).toContain(detail);
        });
      });

      it.each([
        ['an unknown product', '/v1/products/no-such-product/releases/1.0.0/package', 404, 'NOT_FOUND'],
        ['an unknown release', '/v1/products/pkg-scroll/releases/9.9.9/package', 404, 'NOT_FOUND'],
        ['a malformed version', '/v1/products/pkg-scroll/releases/..%2F1/package', 400, 'VALIDATION_FAILED'],
        [
          'a bad file name',
          '/v1/products/pkg-scroll/releases/1.0.0/package?fileName=..%2Fx.zip',
          400,
          'VALIDATION_FAILED',
        ],
        [
          'an unknown query parameter',
          '/v1/products/pkg-scroll/releases/1.0.0/package?size=1',
          400,
          'VALIDATION_FAILED',
        ],
      ])('refuses %s (%s) with %p %s', async (_case, path, status, code) => {
        await nothingStored(async () => {
          const response = await a.upload(path, packageOf(1000)).expect(status);
          expect(response.body.code).toBe(code);
        });
      });

      it('is for admins only: 401 without credentials, 403 for staff and storefronts', async () => {
        await nothingStored(async () => {
          const anonymous = await a.upload(packagePath('1.0.0'), packageOf(1000), 'application/zip', '').expect(401);
          expect(anonymous.body.code).toBe('UNAUTHENTICATED');
          for (const auth of [a.staff, a.shop]) {
            const refused = await a.upload(packagePath('1.0.0'), packageOf(1000), 'application/zip', auth).expect(403);
            expect(refused.body.code).toBe('FORBIDDEN');
          }
        });
      });
    });
  });

  describe('download with a token', () => {
    let bytes: Buffer;
    let license: License;

    beforeAll(async () => {
      bytes = packageOf(700_000);
      expect([200, 201]).toContain((await a.upload(`${packagePath('1.0.0')}?fileName=scroll-1.0.0.zip`, bytes)).status);
      license = await a.buy(sku);
    });

    it('serves the bytes with their headers, as often as the token lives', async () => {
      const token = await a.tokenFor(license, '1.0.0');
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await a.download(token).expect(200);
        expect(Buffer.compare(response.body as Buffer, bytes)).toBe(0);
        expect(md5(response.body as Buffer)).toBe((await a.releases(sku))[0].package?.md5);
        expect(response.headers).toMatchObject({
          'content-type': 'application/zip',
          'content-length': String(bytes.length),
          'content-disposition': 'attachment; filename="scroll-1.0.0.zip"',
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
        });
      }
      expect(await a.openTransactions()).toBe(0);
    });

    it('answers HEAD with the headers only', async () => {
      const response = await a.download(await a.tokenFor(license, '1.0.0'), 'head').expect(200);
      expect(response.headers['content-length']).toBe(String(bytes.length));
      expect((response.body as Buffer | undefined)?.length ?? 0).toBe(0);
    });

    it('refuses an expired token with 403 DOWNLOAD_TOKEN_EXPIRED', async () => {
      const token = await a.tokenFor(license, '1.0.0');
      a.t.clock.advance(599_000);
      await a.download(token).expect(200);
      a.t.clock.advance(1_000);
      const response = await a.download(token).expect(403);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code: 'DOWNLOAD_TOKEN_EXPIRED' });
    });

    it('refuses tokens that are not download tokens of this service with 403 DOWNLOAD_TOKEN_INVALID', async () => {
      const token = await a.tokenFor(license, '1.0.0');
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const otherVersion = Buffer.from(JSON.stringify({ ...claims, version: '2.0.0' })).toString('base64url');
      // A verification token: signed by the same key, for add-ons.
      const verification = await a.t
        .http()
        .post('/v1/licenses/verify')
        .send({ licenseKey: license.key, domain: 'shop.example.com', product: sku })
        .expect(200);
      expect(verification.body.valid).toBe(true);
      const forged = [
        'not-a-token',
        `${header}.${otherVersion}.${signature}`,
        `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
        verification.body.token as string,
      ];
      for (const bad of forged) {
        const response = await a.download(bad).expect(403);
        expect(response.body).toMatchObject({ code: 'DOWNLOAD_TOKEN_INVALID' });
      }
    });

    it('refuses a license revoked after its token was issued (409 LICENSE_REVOKED), and a suspended one', async () => {
      const revoked = await a.buy(sku);
      const suspended = await a.buy(sku);
      const revokedToken = await a.tokenFor(revoked, '1.0.0');
      const suspendedToken = await a.tokenFor(suspended, '1.0.0');
      await a.download(revokedToken).expect(200);
      const act = (id: string, action: string) =>
        a.t.http().post(`/v1/licenses/${id}/${action}`).set('Authorization', a.staff).send({ reason: 'Chargeback' });
      await act(revoked.id, 'revoke').expect(200);
      await act(suspended.id, 'suspend').expect(200);

      const refused = await a.download(revokedToken).expect(409);
      expect(refused.body).toMatchObject({ code: 'LICENSE_REVOKED' });
      expect(refused.body).not.toHaveProperty('size');
      expect((await a.download(suspendedToken).expect(409)).body).toMatchObject({ code: 'LICENSE_NOT_ACTIVE' });
      await act(suspended.id, 'reinstate').expect(200);
      await a.download(suspendedToken).expect(200);
    });

    it('answers 404 PACKAGE_NOT_UPLOADED for a release without a package', async () => {
      const bare = await a.createProduct({ sku: 'pkg-bare' }, [['1.0.0', '2026-01-10T00:00:00Z']]);
      const token = await a.tokenFor(await a.buy(bare), '1.0.0');
      const response = await a.download(token).expect(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code: 'PACKAGE_NOT_UPLOADED', sku: bare, version: '1.0.0' });
      expect(await a.openTransactions()).toBe(0);
    });

    it('gives no token for a release after the subscription, so no bytes either', async () => {
      await a.upload(packagePath('2.0.0'), packageOf(1000)).expect(201);
      const refused = await a.t
        .http()
        .post(`/v1/licenses/${license.id}/downloads/2.0.0`)
        .set('Authorization', a.shop)
        .expect(403);
      expect(refused.body.code).toBe('UPDATES_EXPIRED');
    });
  });

  describe('large packages and transfers under way', () => {
    it('round-trips a multi-MiB package, not a whole number of chunks, byte for byte', async () => {
      const bytes = packageOf(5 * MiB + 12_345);
      const stored = await a.upload(packagePath('1.1.0'), bytes);
      expect([200, 201]).toContain(stored.status);
      expect(stored.body).toMatchObject({ size: bytes.length, md5: md5(bytes) });
      const served = await a.download(await a.tokenFor(await a.buy(sku), '1.1.0')).expect(200);
      expect((served.body as Buffer).length).toBe(bytes.length);
      expect(md5(served.body as Buffer)).toBe(md5(bytes));
    });

    it('finishes a download under way with the bytes it began with when the package is replaced meanwhile', async () => {
      // Larger than what the socket buffers of a paused client take: the server is still reading it.
      const first = packageOf(20 * MiB);
      expect([200, 201]).toContain((await a.upload(packagePath('1.2.0'), first)).status);
      const oldOid = await a.contentOid(sku, '1.2.0');
      const token = await a.tokenFor(await a.buy(sku), '1.2.0');

      const response = await a.rawDownload(token);
      expect(response.statusCode).toBe(200);
      response.pause();
      expect(await eventually(async () => (await a.openTransactions()) === 1)).toBe(true);
      const second = packageOf(3 * MiB);
      await a.upload(packagePath('1.2.0'), second).expect(200);
      expect(await a.largeObjects()).not.toContain(oldOid);

      const served = await readAll(response);
      expect(served.length).toBe(first.length);
      expect(md5(served)).toBe(md5(first));
      expect(md5((await a.download(token).expect(200)).body as Buffer)).toBe(md5(second));
    });

    it('gives the connection back when a client goes away in the middle of a download', async () => {
      const token = await a.tokenFor(await a.buy(sku), '1.2.0');
      // More clients leave than there are transfer slots (half the test pool of 5): a leaked slot would show.
      for (let client = 0; client < 3; client += 1) {
        const response = await a.rawDownload(token);
        await new Promise((resolve) => response.once('data', resolve));
        response.destroy();
      }
      expect(await eventually(async () => (await a.openTransactions()) === 0)).toBe(true);
      for (let client = 0; client < 3; client += 1) await a.download(token).expect(200);
    });
  });

  describe('deleting', () => {
    it('frees the bytes of a deleted release, and of every release of a deleted product', async () => {
      const doomed = await a.createProduct({ sku: 'pkg-doomed' }, [
        ['1.0.0', '2026-01-10T00:00:00Z'],
        ['2.0.0', '2026-02-10T00:00:00Z'],
        ['3.0.0', '2026-02-20T00:00:00Z'],
      ]);
      for (const version of ['1.0.0', '2.0.0', '3.0.0']) {
        await a.upload(packagePath(version, doomed), packageOf(300_000)).expect(201);
      }
      const oids = await Promise.all(['1.0.0', '2.0.0', '3.0.0'].map((version) => a.contentOid(doomed, version)));
      expect(await a.largeObjects()).toEqual(expect.arrayContaining(oids));

      await a.t.dataSource.query(
        `DELETE FROM releases WHERE version = '1.0.0' AND product_id = (SELECT id FROM products WHERE sku = $1)`,
        [doomed],
      );
      expect(await a.largeObjects()).not.toContain(oids[0]);
      expect(await a.largeObjects()).toEqual(expect.arrayContaining(oids.slice(1)));

      await a.t.dataSource.query('DELETE FROM products WHERE sku = $1', [doomed]);
      const left = await a.largeObjects();
      expect(oids.filter((oid) => left.includes(oid))).toEqual([]);
    });
  });
});

describe('release packages on the embedded engine (e2e)', () => {
  let a: PackagesApp;

  beforeAll(async () => {
    a = await packagesApp('embedded');
  });
  afterAll(async () => {
    await a.t.close();
  });

  it('stores, replaces, serves and frees packages as on PostgreSQL', async () => {
    const sku = await a.createProduct({ sku: 'pkg-embedded' }, [['1.0.0', '2026-01-10T00:00:00Z']]);
    const path = `/v1/products/${sku}/releases/1.0.0/package`;
    await a.upload(path, packageOf(1000)).expect(201);
    const oldOid = await a.contentOid(sku, '1.0.0');
    const bytes = packageOf(2 * MiB + 1, GZIP_SIGNATURE);
    const stored: Response = await a.upload(path, bytes, 'application/gzip').expect(200);
    expect(stored.body).toMatchObject({ size: bytes.length, md5: md5(bytes), fileName: `${sku}-1.0.0.tgz` });
    expect(await a.largeObjects()).not.toContain(oldOid);

    const served = await a.download(await a.tokenFor(await a.buy(sku), '1.0.0')).expect(200);
    expect(served.headers['content-type']).toBe('application/gzip');
    expect(md5(served.body as Buffer)).toBe(md5(bytes));

    await a.t.dataSource.query('DELETE FROM releases WHERE product_id = (SELECT id FROM products WHERE sku = $1)', [
      sku,
    ]);
    expect(await a.largeObjects()).toEqual([]);
  });
});

describe.each(ENGINES)('package transfers beyond the transfer slots, on %s (e2e)', (engine) => {
  /** Short, so that a refusal costs little; far from the default 10 s, so that the answer shows it was used. */
  const WAIT_MS = 500;
  let a: PackagesApp;
  let slots: number;
  let path: string;
  let bytes: Buffer;
  let token: string;
  /** What the add-on channels send for the same package: a license bound to {@link STORE}, the package's id. */
  const STORE = 'busy-shop.com';
  let sku: string;
  let addonId: string;
  let key: string;
  let packageId: string;
  /** Downloads under way whose clients read nothing: each holds a transfer slot. */
  const held: http.IncomingMessage[] = [];

  beforeAll(async () => {
    a = await packagesApp(engine, { packageTransferWaitMs: WAIT_MS });
    // Half the pool, as ReleasePackages takes it (the test pool of 5: 2 slots, 3 connections left for the rest).
    slots = Math.floor(a.t.config.database.poolSize / 2);
    addonId = `cp_pkg_busy_${engine}`;
    sku = await a.createProduct({ sku: `pkg-busy-${engine}`, addonId }, [['1.0.0', '2026-01-10T00:00:00Z']]);
    path = `/v1/products/${sku}/releases/1.0.0/package`;
    // Far more than the socket buffers of a client that reads nothing take: its download stays under way.
    bytes = packageOf(16 * MiB);
    await a.upload(path, bytes).expect(201);
    const license = await buyLicense<License>(a.t, a.shop, { sku, domain: STORE });
    key = license.key;
    token = await a.tokenFor(license, '1.0.0');
    const offered = await a.t
      .http()
      .get(`/addon_updates.php?${upgradeCenterQuery('check')}`)
      .expect(200);
    packageId = /<item id="([^"]+)">/.exec(offered.text)![1];
  });
  const upgradeCenterQuery = (action: 'check' | 'download'): string =>
    new URLSearchParams({
      action,
      addon_id: addonId,
      addon_version: '0.9.0',
      license_number: key,
      domains: STORE,
      ...(action === 'download' ? { package_id: packageId } : {}),
    }).toString();
  afterAll(async () => {
    for (const response of held) response.destroy();
    await a.t.close();
  });

  it('answers 503 PACKAGE_TRANSFERS_BUSY once every slot stayed taken for the wait, and serves again once one is free', async () => {
    for (let client = 0; client < slots; client += 1) {
      const response = await a.rawDownload(token);
      response.pause();
      held.push(response);
      expect(response.statusCode).toBe(200);
    }
    // Each held download keeps its transaction open while its client reads nothing.
    expect(await eventually(async () => (await a.openTransactions()) === slots)).toBe(true);

    const started = performance.now();
    const refused = await a.download(token).expect(503);
    const waited = performance.now() - started;
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body).toMatchObject({
      status: 503,
      code: 'PACKAGE_TRANSFERS_BUSY',
      retryAfterSeconds: 5,
      detail: expect.stringContaining(`(${slots}) stayed taken for 0.5 s`),
    });
    // It waited for a slot, and for PACKAGE_TRANSFER_WAIT_MS rather than the default 10 s (generous bounds).
    expect(waited).toBeGreaterThanOrEqual(WAIT_MS * 0.8);
    expect(waited).toBeLessThan(8000);
    // The add-on channels refuse in their own formats, with the same Retry-After: CS-Cart's Upgrade Center in plain
    // text, the add-on manager as {code, error}.
    const upgradeCenter = await a.t
      .http()
      .get(`/addon_updates.php?${upgradeCenterQuery('download')}`)
      .expect(503);
    expect(upgradeCenter.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(upgradeCenter.headers['retry-after']).toBe('5');
    const archive = await postManager(
      a.t.http(),
      sealEnvelope(
        managerPlaintext({ action: 'get_archive', domains: [STORE], params: { product_id: sku, license_key: key } }),
      ),
    ).expect(503);
    expect(archive.headers['retry-after']).toBe('5');
    expect(archive.body).toEqual({ code: 'PACKAGE_TRANSFERS_BUSY', error: expect.any(String) });
    // Uploads take the same slots: refused alike, and nothing is stored.
    const upload = await a.upload(path, packageOf(4096)).expect(503);
    expect(upload.body).toMatchObject({ code: 'PACKAGE_TRANSFERS_BUSY' });
    // The held downloads were not disturbed by the refusals.
    expect(await a.openTransactions()).toBe(slots);

    // A client that leaves gives its slot back: the next download gets the whole package.
    held.shift()?.destroy();
    expect(await eventually(async () => (await a.openTransactions()) === slots - 1)).toBe(true);
    const served = await a.download(token).expect(200);
    expect(md5(served.body as Buffer)).toBe(md5(bytes));

    // A held download resumed ends whole, with the bytes of the package it began (the refused upload stored nothing).
    const resumed = held.shift()!;
    const rest = await readAll(resumed);
    expect(rest.length).toBe(bytes.length);
    expect(md5(rest)).toBe(md5(bytes));
    expect(await eventually(async () => (await a.openTransactions()) === 0)).toBe(true);
  });
});
