import { generateKeyPairSync } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig } from '../../src/config/app-config';

export const TEST_ADMIN = { email: 'admin@licensor.test', password: 'admin-password-for-tests' };

let signingKeyPem: string | undefined;

/** A complete configuration for an app under test; no files are read or written. */
export function testConfig(databaseUrl: string, overrides: Partial<AppConfig> = {}): AppConfig {
  signingKeyPem ??= generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  return {
    environment: 'test',
    http: { host: '127.0.0.1', port: 0, trustProxy: [], hstsMaxAgeSeconds: 31_536_000 },
    dataDir: path.join(os.tmpdir(), 'licensor-test'),
    database: { url: databaseUrl, poolSize: 5 },
    logLevel: 'silent',
    auth: {
      jwtSecret: 'jwt-secret-for-tests-only-0123456789abcdef',
      jwtExpiresInSeconds: 900,
      apiKeySecret: 'api-key-secret-for-tests-only-0123456789abcdef',
      initialAdmin: TEST_ADMIN,
    },
    licenseTokens: { signingKeyPem, verificationKeysPem: [], ttlSeconds: 7 * 86_400 },
    // Far above what a test file sends within one minute of the fixed clock; rate-limit tests set their own.
    verifyRateLimits: { perIp: 100_000, perKey: 100_000 },
    // The production defaults: tests that log in many times must show that successful logins never count.
    loginThrottle: { perAccount: { limit: 5, windowSeconds: 900 }, perAddress: { limit: 20, windowSeconds: 60 } },
    business: { holidayCountry: 'RU', timezone: 'Europe/Moscow' },
    // No polling loop: tests call WebhookDispatcher.runOnce() and move the fixed clock.
    webhooks: { pollIntervalMs: 0, maxAttempts: 8, retryBaseSeconds: 30, timeoutMs: 5000, batchSize: 10 },
    domains: { developmentPatterns: ['*.staging.licensor-tests.com'] },
    // No reminders loop: tests call ReminderJob.runReminders() and move the fixed clock.
    subscriptions: { downloadTokenTtlSeconds: 600, reminderIntervalSeconds: 0 },
    // No pruning loop: tests call InstallationPruneJob.prune() and move the fixed clock.
    installationReports: {
      retentionDays: 90,
      pruneIntervalSeconds: 0,
      unknownHostsPerProduct: 1000,
      unknownMaxRows: 100_000,
    },
    importMaxBytes: 1024 ** 3,
    packageMaxBytes: 100 * 1024 ** 2,
    packageTransferWaitMs: 10_000,
    ...overrides,
  };
}
