import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { Clock } from '../../src/common/clock/clock';
import { LOG_DESTINATION } from '../../src/common/logging/logging.module';
import { AppConfig } from '../../src/config/app-config';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase, TestEngine } from './database';
import { FixedClock } from './fixed-clock';
import { watchConformance } from './openapi-conformance';
import { TEST_ADMIN, testConfig } from './test-config';

export const TEST_NOW = new Date('2026-03-02T09:00:00Z');

export interface TestApp {
  app: NestFastifyApplication;
  http: () => ReturnType<typeof request>;
  clock: FixedClock;
  config: AppConfig;
  dataSource: DataSource;
  /** The database's name: pass it as `database` (with `engine`) to boot a second instance on the same data. */
  database: string;
  engine: TestEngine;
  /** Logs in as the configured first admin and returns the `Authorization` header value. */
  adminAuth(): Promise<string>;
  /** Creates a staff user (role `staff` unless told) through the API and returns its `Authorization` header. */
  staffAuth(role?: 'staff' | 'admin'): Promise<string>;
  /** Creates a storefront API client through the API and returns its `Authorization` header. */
  storefrontAuth(name?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Receives the app's log lines (pass `logLevel` too: tests default to 'silent'); Nest's own Logger is then
   * routed through pino as in main.ts. nestjs-pino builds one logger per process: only the first app of a
   * test file gets to choose its destination and level.
   */
  logDestination?: DestinationStream;
  /**
   * Boot on this existing database (another test app's `database`) instead of a fresh copy, as a second
   * service instance would; `close()` then leaves the database to its creator.
   */
  database?: string;
  /** The server the database lives on: PostgreSQL (the default) or the run's embedded engine. */
  engine?: TestEngine;
}

/**
 * Boots the real AppModule, configured as main.ts does, on a fresh database copied from the migrated
 * template, with a fixed clock. Call `close()` in `afterAll`: it drops the database, and fails when a JSON
 * answer of the file had a status, a problem code or a field that the OpenAPI document does not describe.
 */
export async function createTestApp(
  overrides: Partial<AppConfig> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const engine = options.engine ?? 'postgres';
  const database = options.database ?? (await createDatabaseFromTemplate('licensor_e2e', engine));
  const config = testConfig(databaseUrl(database, engine), overrides);
  const clock = new FixedClock(TEST_NOW);
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useValue(clock);
  if (options.logDestination) builder = builder.overrideProvider(LOG_DESTINATION).useValue(options.logDestination);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
    bodyParser: false,
    logger: false,
  });
  if (options.logDestination) app.useLogger(app.get(Logger));
  const conformance = watchConformance(app, configureApp(app));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const http = () => request(app.getHttpServer());
  let counter = 0;
  const adminAuth = async () => {
    const response = await http().post('/v1/auth/login').send(TEST_ADMIN).expect(200);
    return `Bearer ${(response.body as { accessToken: string }).accessToken}`;
  };
  return {
    app,
    http,
    clock,
    config,
    dataSource: app.get(DataSource),
    database,
    engine,
    adminAuth,
    async staffAuth(role = 'staff') {
      const credentials = { email: `${role}${++counter}@licensor.test`, password: `password-of-${role}-${counter}` };
      await http()
        .post('/v1/staff-users')
        .set('Authorization', await adminAuth())
        .send({ ...credentials, role })
        .expect(201);
      const response = await http().post('/v1/auth/login').send(credentials).expect(200);
      return `Bearer ${(response.body as { accessToken: string }).accessToken}`;
    },
    async storefrontAuth(name = `storefront ${++counter}`) {
      const response = await http()
        .post('/v1/api-clients')
        .set('Authorization', await adminAuth())
        .send({ name })
        .expect(201);
      return `Bearer ${(response.body as { apiKey: string }).apiKey}`;
    },
    async close() {
      await app.close();
      if (options.database === undefined) await dropDatabase(database, engine);
      const undocumented = conformance();
      if (undocumented.length > 0) {
        throw new Error(
          `Answers that the OpenAPI document does not describe (fix the response DTO or @ApiProblems):\n${undocumented.join('\n')}`,
        );
      }
    },
  };
}
