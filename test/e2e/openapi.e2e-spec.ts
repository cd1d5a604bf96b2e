import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateOpenApiJson } from '../../src/bin/openapi-document';
import { createTestApp, TestApp } from '../support/test-app';

const COMMITTED = path.resolve(__dirname, '../../openapi/openapi.json');

describe('OpenAPI document and Swagger UI (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is committed exactly as the code generates it (run `npm run openapi` after changing the API)', async () => {
    const generated = await generateOpenApiJson();
    expect(fs.readFileSync(COMMITTED, 'utf8')).toBe(generated);
  });

  it('serves the same operations at /docs-json, with bearer auth declared', async () => {
    const committed = JSON.parse(fs.readFileSync(COMMITTED, 'utf8')) as { paths: Record<string, object> };
    const served = await t.http().get('/docs-json').expect(200);
    expect(Object.keys(served.body.paths as object).sort()).toEqual(Object.keys(committed.paths).sort());
    expect(served.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(served.body.paths['/v1/products'].post.security).toEqual([{ bearer: [] }]);
    expect(served.body.paths['/v1/auth/login'].post.security).toBeUndefined();
  });

  it('serves Swagger UI at /docs', async () => {
    const page = await t.http().get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
  });
});
