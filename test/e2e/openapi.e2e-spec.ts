import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { generateOpenApiJson } from '../../src/bin/openapi-document';
import { createTestApp, TestApp } from '../support/test-app';

const COMMITTED = path.resolve(__dirname, '../../openapi/openapi.json');
const COMMITTED_TYPES = path.resolve(__dirname, '../../openapi/licensor-api.d.ts');
// Its CLI, as `npm run openapi` runs it: the library is ES modules all the way down, which Jest cannot load.
const OPENAPI_TYPESCRIPT = path.resolve(__dirname, '../../node_modules/openapi-typescript/bin/cli.js');

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

  it('has its TypeScript types committed as openapi-typescript generates them (run `npm run openapi`)', async () => {
    // The flags of `npm run openapi`: a field with a default may be left out of a request.
    const flags = ['--default-non-nullable', 'false'];
    const { stdout } = await promisify(execFile)(process.execPath, [OPENAPI_TYPESCRIPT, COMMITTED, ...flags], {
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(fs.readFileSync(COMMITTED_TYPES, 'utf8')).toBe(stdout);
  });

  it('serves the same operations at /docs-json, with bearer auth declared', async () => {
    const committed = JSON.parse(fs.readFileSync(COMMITTED, 'utf8')) as { paths: Record<string, object> };
    const served = await t.http().get('/docs-json').expect(200);
    expect(Object.keys(served.body.paths as object).sort()).toEqual(Object.keys(committed.paths).sort());
    expect(served.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(served.body.paths['/v1/products'].post.security).toEqual([{ bearer: [] }, { staffLogin: [] }]);
    expect(served.body.paths['/v1/auth/login'].post.security).toBeUndefined();
  });

  it('serves Swagger UI at /docs', async () => {
    const page = await t.http().get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
  });
});
