import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../app.module';
import { buildOpenApiDocument, createHttpAdapter } from '../app.setup';
import { completeConfig, parseConfig } from '../config/parse-config';

/**
 * The OpenAPI document as the code describes it, sorted for a stable diff. The app is created in preview
 * mode: routes and DTOs are read, no provider runs, so no database is needed.
 */
export async function generateOpenApiJson(): Promise<string> {
  const draft = parseConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused' }, process.cwd());
  const config = completeConfig(draft, { jwtSecret: 'unused', apiKeySecret: 'unused', signingKeyPem: 'unused' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), {
    preview: true,
    logger: false,
    bodyParser: false,
  });
  try {
    return `${JSON.stringify(sortKeys(buildOpenApiDocument(app)), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
