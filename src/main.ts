import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { ConfigError } from './config/parse-config';
import { loadConfig } from './config/load-config';
import { EmbeddedEngineError } from './database/embedded/embedded-engine-error';
import { EmbeddedPostgres, EngineLog, EngineLogLevel } from './database/embedded/embedded-postgres';
import { runMigrations } from './database/run-migrations';

async function bootstrap(): Promise<void> {
  const { config, developmentSecretsFile, generatedNow } = loadConfig();
  const engineLog = new EngineLogRelay();
  let embedded: EmbeddedPostgres | undefined;
  if (config.database.url === undefined) {
    embedded = await EmbeddedPostgres.start(config.dataDir, engineLog.write);
    config.database = { ...config.database, url: embedded.url };
  }
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, embedded),
    createHttpAdapter(config),
    {
      bodyParser: false,
      bufferLogs: true,
    },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  engineLog.attach(logger);
  const applied = await runMigrations(app.get(DataSource));
  if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`, 'Database');
  configureApp(app);
  await app.listen(config.http.port, config.http.host);
  stopGracefullyOnSignals(app, embedded);

  const { port } = app.getHttpServer().address() as AddressInfo;
  const shownHost = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
  const base = `http://${shownHost}:${port}`;
  logger.log(`Listening on ${config.http.host}:${port}`, 'Licensor');
  logger.log(`Swagger UI: ${base}/docs`, 'Licensor');
  logger.log(
    embedded
      ? `Data: embedded PostgreSQL ${embedded.version} in ${embedded.clusterDir}, on 127.0.0.1:${embedded.port}`
      : `Data: PostgreSQL at ${redactPassword(config.database.url ?? '')}`,
    'Licensor',
  );
  if (developmentSecretsFile) {
    logger.log(
      generatedNow.length > 0
        ? `Development secrets generated into ${developmentSecretsFile} (${generatedNow.join(', ')}); they are reused on restart.`
        : `Development secrets read from ${developmentSecretsFile}.`,
      'Licensor',
    );
  }
  if (config.auth.initialAdmin) {
    logger.log(
      `Staff login: ${config.auth.initialAdmin.email} (password in ADMIN_PASSWORD or the secrets file)`,
      'Licensor',
    );
  }
}

/**
 * Lines of the embedded server, kept until the app's logger exists (the server starts before the app), then
 * written through it at the server's own severity.
 */
class EngineLogRelay {
  private logger: Logger | undefined;
  private readonly early: [EngineLogLevel, string][] = [];

  readonly write: EngineLog = (level, message) => {
    if (this.logger === undefined) {
      this.early.push([level, message]);
      return;
    }
    const method = level === 'info' ? 'log' : level;
    this.logger[method](message, 'EmbeddedPostgres');
  };

  attach(logger: Logger): void {
    this.logger = logger;
    for (const [level, message] of this.early.splice(0)) this.write(level, message);
  }
}

/** Closes the app (pool included) before the embedded server, which then stops with a fast shutdown. */
function stopGracefullyOnSignals(app: NestFastifyApplication, embedded: EmbeddedPostgres | undefined): void {
  const stop = async (): Promise<void> => {
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee the Configuration section of README.md.\n`);
  } else if (error instanceof EmbeddedEngineError) {
    process.stderr.write(`The embedded database could not start: ${error.message}\n`);
  } else {
    process.stderr.write(
      `Licensor could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
