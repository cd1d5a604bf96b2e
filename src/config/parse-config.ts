import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { isEmail } from 'class-validator';
import { parseDevelopmentPattern } from '../common/domain-names/normalize-domain';
import { isKnownHolidayCountry } from '../common/time/business-calendar';
import { AppConfig, LOG_FORMATS, LOG_LEVELS, LogFormat, LogLevel, RuntimeEnvironment } from './app-config';
import { GENERATE_SECRET_HINT, keyWeakness, passwordWeakness } from './secret-strength';

/** Secrets that development may generate when the environment does not give them. */
export interface SecretValues {
  jwtSecret?: string;
  apiKeySecret?: string;
  signingKeyPem?: string;
  adminPassword?: string;
}

/** Everything read from the environment, before missing development secrets are filled in. */
export interface ConfigDraft extends Omit<AppConfig, 'auth' | 'licenseTokens'> {
  auth: {
    jwtSecret?: string;
    jwtExpiresInSeconds: number;
    apiKeySecret?: string;
    adminEmail?: string;
    adminPassword?: string;
  };
  licenseTokens: Omit<AppConfig['licenseTokens'], 'signingKeyPem'> & { signingKeyPem?: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The configuration is not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export const MIN_SECRET_LENGTH = 32;
const ONE_YEAR_SECONDS = 31_536_000;
const PLACEHOLDER_SECRETS = /^(change-?me|changeit|secret|password|test|dev|development|example|x+)$/i;

/** What parseConfig needs to know about the process besides its environment. */
export interface ProcessFacts {
  /** Standard output is a terminal (`process.stdout.isTTY`): a person reads the log, so it is pretty by default. */
  stdoutIsTerminal: boolean;
}

/**
 * Reads and checks every setting of the environment; collects all problems at once so that a newcomer
 * fixes them in one go. Pure: the caller passes the environment, the working directory and what it knows
 * of the process (loadConfig passes the real ones).
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  cwd: string,
  facts: ProcessFacts = { stdoutIsTerminal: false },
): ConfigDraft {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}; it is "${raw}".`);
      return fallback;
    }
    return Number(raw);
  };

  const environmentName = text('NODE_ENV') ?? 'development';
  const environments: RuntimeEnvironment[] = ['development', 'test', 'production'];
  if (!environments.includes(environmentName as RuntimeEnvironment)) {
    problems.push(`NODE_ENV must be one of ${environments.join(', ')}; it is "${environmentName}".`);
  }
  const environment = environments.includes(environmentName as RuntimeEnvironment)
    ? (environmentName as RuntimeEnvironment)
    : 'development';
  const production = environment === 'production';

  const databaseUrl = text('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/licensor.');
  }

  const logLevel = text('LOG_LEVEL') ?? (environment === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; it is "${logLevel}".`);
  }
  const logFormat = text('LOG_FORMAT')?.toLowerCase() ?? (facts.stdoutIsTerminal ? 'pretty' : 'json');
  if (!LOG_FORMATS.includes(logFormat as LogFormat)) {
    problems.push(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}; it is "${logFormat}".`);
  }

  const secret = (name: string): string | undefined => {
    const value = text(name);
    if (value === undefined) {
      if (production) problems.push(`${name} is required when NODE_ENV=production.`);
      return undefined;
    }
    if (value.length < MIN_SECRET_LENGTH || PLACEHOLDER_SECRETS.test(value)) {
      problems.push(
        `${name} must be a random value of at least ${MIN_SECRET_LENGTH} characters ` +
          `(for example the output of: openssl rand -base64 48).`,
      );
      return value;
    }
    // Production also refuses a long value that is easy to guess; development and tests may use any.
    const weakness = production ? keyWeakness(value) : undefined;
    if (weakness !== undefined) {
      problems.push(
        `${name} ${weakness}. Use a random value of at least ${MIN_SECRET_LENGTH} characters; ${GENERATE_SECRET_HINT}.`,
      );
    }
    return value;
  };
  const jwtSecret = secret('JWT_SECRET');
  const apiKeySecret = secret('API_KEY_SECRET');

  const signingKeyPem = text('LICENSE_SIGNING_KEY')?.replace(/\\n/g, '\n');
  if (signingKeyPem !== undefined && !signingKeyPem.includes('PRIVATE KEY-----')) {
    problems.push('LICENSE_SIGNING_KEY must be a PEM private key (EC P-256), "-----BEGIN PRIVATE KEY-----…".');
  }
  if (production && signingKeyPem === undefined) {
    problems.push('LICENSE_SIGNING_KEY is required when NODE_ENV=production (an EC P-256 private key in PEM).');
  }
  const verificationKeys = parsePublicKeyPems(text('LICENSE_VERIFICATION_KEYS')?.replace(/\\n/g, '\n') ?? '');
  if ('error' in verificationKeys) {
    problems.push(
      `LICENSE_VERIFICATION_KEYS must be the PEM public keys (EC P-256) of earlier signing keys, one ` +
        `"-----BEGIN PUBLIC KEY-----…" block after the other; ${verificationKeys.error}.`,
    );
  }

  const adminEmail = text('ADMIN_EMAIL')?.toLowerCase();
  const adminPassword = text('ADMIN_PASSWORD');
  if (adminEmail !== undefined && !isEmail(adminEmail)) {
    problems.push(`ADMIN_EMAIL must be an e-mail address; it is "${adminEmail}".`);
  }
  if (adminPassword !== undefined && adminPassword.length < 12) {
    problems.push('ADMIN_PASSWORD must be at least 12 characters long.');
  } else if (production && adminPassword !== undefined) {
    const weakness = passwordWeakness(adminPassword, adminEmail === undefined ? [] : emailWords(adminEmail));
    if (weakness !== undefined) {
      problems.push(
        `ADMIN_PASSWORD ${weakness}. Choose a passphrase of several unrelated words, or generate one with: ` +
          `openssl rand -base64 18.`,
      );
    }
  }
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither.');
  }

  const holidayCountry = (text('HOLIDAY_COUNTRY') ?? 'RU').toUpperCase();
  if (!/^[A-Z]{2}$/.test(holidayCountry)) {
    problems.push(`HOLIDAY_COUNTRY must be a two-letter ISO 3166 country code such as RU; it is "${holidayCountry}".`);
  } else if (!isKnownHolidayCountry(holidayCountry)) {
    problems.push(`HOLIDAY_COUNTRY "${holidayCountry}" has no public-holiday calendar in date-holidays.`);
  }
  const timezone = text('BUSINESS_TIMEZONE') ?? 'Europe/Moscow';
  if (!isTimeZone(timezone)) {
    problems.push(`BUSINESS_TIMEZONE must be an IANA time zone such as Europe/Moscow; it is "${timezone}".`);
  }

  const developmentPatterns: string[] = [];
  for (const item of (text('DEVELOPMENT_DOMAIN_PATTERNS') ?? '').split(',')) {
    if (item.trim() === '') continue;
    const parsed = parseDevelopmentPattern(item);
    if ('error' in parsed) {
      problems.push(
        `DEVELOPMENT_DOMAIN_PATTERNS must be comma-separated host names or *.suffix patterns ` +
          `(e.g. "*.lan,preview.shop.com"); "${item.trim()}" is not one: ${parsed.error}.`,
      );
    } else {
      developmentPatterns.push(parsed.pattern);
    }
  }

  const trustProxy: string[] = [];
  for (const item of (text('TRUST_PROXY') ?? '').split(',')) {
    if (item.trim() === '') continue;
    if (isProxyAddress(item.trim())) {
      trustProxy.push(item.trim());
    } else {
      problems.push(
        `TRUST_PROXY must be comma-separated addresses or CIDR ranges of your reverse proxies, or loopback, ` +
          `linklocal, uniquelocal (e.g. "10.0.0.0/8,loopback"); "${item.trim()}" is not one.`,
      );
    }
  }

  const draft: ConfigDraft = {
    environment,
    http: {
      host: text('HOST') ?? '0.0.0.0',
      port: integer('PORT', 3000, 0, 65535),
      trustProxy,
      hstsMaxAgeSeconds: integer('HSTS_MAX_AGE_SECONDS', ONE_YEAR_SECONDS, 0, 2 * ONE_YEAR_SECONDS),
    },
    dataDir: path.resolve(cwd, text('DATA_DIR') ?? 'var'),
    database: {
      url: databaseUrl,
      poolSize: integer('DATABASE_POOL_SIZE', 10, 1, 100),
    },
    logLevel: logLevel as LogLevel,
    logFormat: LOG_FORMATS.includes(logFormat as LogFormat) ? (logFormat as LogFormat) : 'json',
    auth: {
      jwtSecret,
      jwtExpiresInSeconds: integer('JWT_EXPIRES_IN_SECONDS', 900, 60, 86_400),
      apiKeySecret,
      adminEmail,
      adminPassword,
    },
    licenseTokens: {
      signingKeyPem,
      verificationKeysPem: 'error' in verificationKeys ? [] : verificationKeys.pems,
      ttlSeconds: integer('LICENSE_TOKEN_TTL_SECONDS', 7 * 86_400, 60, 366 * 86_400),
    },
    verifyRateLimits: {
      perIp: integer('VERIFY_RATE_LIMIT_PER_IP', 300, 1, 1_000_000),
      perKey: integer('VERIFY_RATE_LIMIT_PER_KEY', 60, 1, 1_000_000),
    },
    loginThrottle: {
      perAccount: {
        limit: integer('LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 1000),
        windowSeconds: integer('LOGIN_ACCOUNT_WINDOW_SECONDS', 900, 1, 86_400),
      },
      perAddress: {
        limit: integer('LOGIN_FAILURES_PER_ADDRESS', 20, 1, 100_000),
        windowSeconds: integer('LOGIN_ADDRESS_WINDOW_SECONDS', 60, 1, 86_400),
      },
    },
    business: { holidayCountry, timezone },
    webhooks: {
      pollIntervalMs: integer('WEBHOOK_POLL_INTERVAL_MS', 2000, 0, 3_600_000),
      maxAttempts: integer('WEBHOOK_MAX_ATTEMPTS', 8, 1, 50),
      retryBaseSeconds: integer('WEBHOOK_RETRY_BASE_SECONDS', 30, 1, 86_400),
      timeoutMs: integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      batchSize: integer('WEBHOOK_BATCH_SIZE', 10, 1, 100),
    },
    domains: { developmentPatterns },
    subscriptions: {
      downloadTokenTtlSeconds: integer('DOWNLOAD_TOKEN_TTL_SECONDS', 600, 10, 3600),
      reminderIntervalSeconds: integer('REMINDER_INTERVAL_SECONDS', 3600, 0, 86_400),
    },
    installationReports: {
      retentionDays: integer('INSTALLATION_REPORT_RETENTION_DAYS', 90, 1, 3650),
      pruneIntervalSeconds: integer('INSTALLATION_REPORT_PRUNE_INTERVAL_SECONDS', 3600, 0, 86_400),
      unknownHostsPerProduct: integer('INSTALLATION_REPORT_UNKNOWN_HOSTS_PER_PRODUCT', 1000, 1, 1_000_000),
      unknownMaxRows: integer('INSTALLATION_REPORT_UNKNOWN_MAX_ROWS', 100_000, 1, 100_000_000),
    },
    importMaxBytes: integer('IMPORT_MAX_BYTES', 1024 ** 3, 1024, 64 * 1024 ** 3),
    packageMaxBytes: integer('PACKAGE_MAX_BYTES', 100 * 1024 ** 2, 1024, 16 * 1024 ** 3),
    packageTransferWaitMs: integer('PACKAGE_TRANSFER_WAIT_MS', 10_000, 0, 300_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return draft;
}

/**
 * An entry of the platform's `trustProxy` (proxy-addr's forms). "Trust every proxy" (`true`) is not offered: any client could then
 * name its own address in `X-Forwarded-For` and escape the per-address rate limit.
 */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

const PUBLIC_KEY_PEM = /-----BEGIN PUBLIC KEY-----[^-]+-----END PUBLIC KEY-----/g;

/** Zero or more PEM public keys one after the other, each an EC P-256 key. */
function parsePublicKeyPems(value: string): { pems: string[] } | { error: string } {
  if (value.includes('PRIVATE KEY')) return { error: 'it holds a private key, which must not leave its place' };
  const pems = value.match(PUBLIC_KEY_PEM) ?? [];
  if (value.replace(PUBLIC_KEY_PEM, '').trim() !== '') return { error: 'there is text outside the PEM blocks' };
  for (const [index, pem] of pems.entries()) {
    try {
      const key = createPublicKey(pem);
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        return { error: `key ${index + 1} is not an EC P-256 key` };
      }
    } catch {
      return { error: `key ${index + 1} cannot be read` };
    }
  }
  return { pems };
}

/** What a guesser of this account's password tries first: the address, its local part and the words in both. */
function emailWords(email: string): string[] {
  return [email, ...email.split(/[@.+_-]/).filter((word) => word.length > 2)];
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Completes a draft with secrets generated for development; production drafts are already complete. */
export function completeConfig(draft: ConfigDraft, generated: SecretValues): AppConfig {
  const jwtSecret = draft.auth.jwtSecret ?? generated.jwtSecret;
  const apiKeySecret = draft.auth.apiKeySecret ?? generated.apiKeySecret;
  const signingKeyPem = draft.licenseTokens.signingKeyPem ?? generated.signingKeyPem;
  if (jwtSecret === undefined || apiKeySecret === undefined || signingKeyPem === undefined) {
    throw new ConfigError(['Secrets are missing and none were generated.']);
  }
  const { adminEmail, adminPassword } = draft.auth;
  const initialAdmin =
    adminEmail !== undefined && adminPassword !== undefined
      ? { email: adminEmail, password: adminPassword }
      : generated.adminPassword !== undefined
        ? { email: DEVELOPMENT_ADMIN_EMAIL, password: generated.adminPassword }
        : undefined;
  return {
    ...draft,
    auth: {
      jwtSecret,
      jwtExpiresInSeconds: draft.auth.jwtExpiresInSeconds,
      apiKeySecret,
      initialAdmin,
    },
    licenseTokens: { ...draft.licenseTokens, signingKeyPem },
  };
}

/** The first admin of a development instance started without ADMIN_EMAIL. */
export const DEVELOPMENT_ADMIN_EMAIL = 'admin@licensor.localhost';
