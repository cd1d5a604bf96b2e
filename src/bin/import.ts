import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { ConfigError } from '../config/parse-config';
import { buildDataSourceOptions } from '../database/data-source-options';
import { EmbeddedEngineError } from '../database/embedded/embedded-engine-error';
import { EmbeddedPostgres } from '../database/embedded/embedded-postgres';
import { runMigrations } from '../database/run-migrations';
import { ImportReport, ImportsService } from '../modules/transfer/import/imports.service';
import { ImportCliModule } from './import-cli.module';
import { LicenseFileError, LicenseFileFormat } from '../modules/transfer/import/license-file-reader';

const USAGE =
  'Usage: npm run import -- <file.csv|file.jsonl> [--dry-run] [--emit-webhooks] [--format csv|jsonl] ' +
  '[--api-client <id>] [--source <name>]';
/** The problems printed; the report counts them all. */
const PROBLEMS_SHOWN = 50;

interface Arguments {
  file: string;
  format: LicenseFileFormat;
  dryRun: boolean;
  emitWebhooks: boolean;
  apiClientId: string | null;
  source: string;
}

/**
 * `npm run import -- <file>`: the import of POST /v1/imports from the command line, on DATABASE_URL or on the
 * embedded engine (the running service's, when it runs; otherwise started for the import and stopped after).
 * Exit code 0: imported (or a dry run without problems); 1: rows rejected, nothing imported; 2: the file or the
 * command could not be read.
 */
async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  const loaded = loadConfig();
  // A command: no webhook polling, no reminders, and only warnings in the log.
  const config: AppConfig = {
    ...loaded.config,
    logLevel: 'warn',
    webhooks: { ...loaded.config.webhooks, pollIntervalMs: 0 },
    subscriptions: { ...loaded.config.subscriptions, reminderIntervalSeconds: 0 },
  };
  let embedded: EmbeddedPostgres | undefined;
  if (config.database.url === undefined) {
    const running = EmbeddedPostgres.runningUrl(config.dataDir);
    if (running === undefined) embedded = await EmbeddedPostgres.start(config.dataDir);
    config.database = { ...config.database, url: running ?? embedded?.url };
  }
  try {
    return await importFile(args, config);
  } finally {
    await embedded?.stop();
  }
}

/** Migrates first, then imports through the service of POST /v1/imports, in a context of only what it needs. */
async function importFile(args: Arguments, config: AppConfig): Promise<number> {
  const migrator = new DataSource(buildDataSourceOptions(config.database.url ?? '', 2));
  await migrator.initialize();
  try {
    await runMigrations(migrator);
  } finally {
    await migrator.destroy();
  }
  const app = await NestFactory.createApplicationContext(ImportCliModule.forRoot(config), {
    logger: ['warn', 'error'],
  });
  try {
    const size = fs.statSync(args.file).size;
    const progress = new Progress(size, process.stderr.isTTY === true);
    const report = await app.get(ImportsService).import(fs.createReadStream(args.file), {
      format: args.format,
      source: args.source,
      dryRun: args.dryRun,
      emitWebhooks: args.emitWebhooks,
      apiClientId: args.apiClientId,
      actor: { type: 'system', id: null, name: 'cli' },
      onProgress: (done) => progress.show(done.rows, done.bytes),
    });
    progress.end();
    process.stdout.write(summary(report, progress.seconds()));
    return report.applied || (report.dryRun && report.rejected === 0) ? 0 : 1;
  } catch (error) {
    if (error instanceof LicenseFileError) {
      process.stderr.write(`\n${args.file}: ${error.message}. Nothing was imported.\n`);
      return 2;
    }
    throw error;
  } finally {
    await app.close();
  }
}

function parseArguments(argv: string[]): Arguments | string {
  const options = new Map<string, string | true>();
  const files: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (!argument.startsWith('--')) {
      files.push(argument);
    } else if (['--dry-run', '--emit-webhooks'].includes(argument)) {
      options.set(argument, true);
    } else if (['--format', '--api-client', '--source'].includes(argument) && index + 1 < argv.length) {
      options.set(argument, argv[++index]);
    } else {
      return `Unknown or incomplete option: ${argument}`;
    }
  }
  if (files.length !== 1) return 'Name one file to import.';
  const file = files[0];
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return `No such file: ${file}`;
  const named = options.get('--format');
  const format = named ?? (/\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : /\.csv$/i.test(file) ? 'csv' : undefined);
  if (format !== 'csv' && format !== 'jsonl') {
    return 'Say the format with --format csv|jsonl (or name the file .csv, .jsonl or .ndjson).';
  }
  const apiClient = options.get('--api-client');
  const source = options.get('--source');
  return {
    file,
    format,
    dryRun: options.has('--dry-run'),
    emitWebhooks: options.has('--emit-webhooks'),
    apiClientId: typeof apiClient === 'string' ? apiClient : null,
    source: typeof source === 'string' ? source : path.basename(file),
  };
}

/** On a terminal, a bar with rows/s and the time left, redrawn in place; elsewhere nothing until the summary. */
class Progress {
  private readonly started = process.hrtime.bigint();
  private shown = false;

  constructor(
    private readonly totalBytes: number,
    private readonly terminal: boolean,
  ) {}

  seconds(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e9;
  }

  show(rows: number, bytes: number): void {
    if (!this.terminal) return;
    const share = this.totalBytes === 0 ? 1 : Math.min(1, bytes / this.totalBytes);
    const width = 30;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
    const rate = rows / Math.max(this.seconds(), 0.001);
    const left = share > 0 ? (this.seconds() * (1 - share)) / share : 0;
    process.stderr.write(
      `\r[${bar}] ${(share * 100).toFixed(0).padStart(3)} %  ${rows} rows  ${rate.toFixed(0)} rows/s  ETA ${clock(left)} `,
    );
    this.shown = true;
  }

  end(): void {
    if (this.shown) process.stderr.write('\n');
  }
}

function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

function summary(report: ImportReport, seconds: number): string {
  const lines = [
    `${report.dryRun ? 'Dry run of' : 'Import of'} ${report.source} (${report.format}): ${report.rows} rows in ` +
      `${seconds.toFixed(1)} s (${(report.rows / Math.max(seconds, 0.001)).toFixed(0)} rows/s).`,
    `${report.imported} ${report.dryRun ? 'would be imported' : 'imported'}, ${report.unchanged} unchanged, ` +
      `${report.rejected} rejected.`,
  ];
  if (report.rejected > 0 && !report.dryRun) lines.push('Nothing was imported: a file is imported all or nothing.');
  for (const problem of report.problems.slice(0, PROBLEMS_SHOWN)) {
    lines.push(
      `line ${problem.line}${problem.column ? `, ${problem.column}` : ''}: ${problem.code}: ${problem.message}`,
    );
  }
  if (report.problemCount > PROBLEMS_SHOWN) lines.push(`… and ${report.problemCount - PROBLEMS_SHOWN} more problems.`);
  return lines.join('\n') + '\n';
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigError || error instanceof EmbeddedEngineError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`The import failed: ${message}\n`);
    process.exit(2);
  },
);
