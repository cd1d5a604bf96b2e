import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from './load-config';
import { ConfigError, DEVELOPMENT_ADMIN_EMAIL, parseConfig } from './parse-config';

const SECRET = 'a'.repeat(20) + 'B9x_Qw7-Lm3ZpR4tY8uVs';
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://licensor:pw@db.internal:5432/licensor',
  JWT_SECRET: SECRET,
  API_KEY_SECRET: SECRET + 'x',
  LICENSE_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\\nMIGHAgEAMBMGByqGSM49\\n-----END PRIVATE KEY-----',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env, '/srv/licensor');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = parseConfig({}, '/srv/licensor');
    expect(config).toMatchObject({
      environment: 'development',
      http: { host: '0.0.0.0', port: 3000 },
      dataDir: '/srv/licensor/var',
      database: { url: undefined, poolSize: 10 },
      logLevel: 'info',
      business: { holidayCountry: 'RU', timezone: 'Europe/Moscow' },
    });
    expect(config.auth.jwtExpiresInSeconds).toBe(900);
  });

  it('reads every setting it is given', () => {
    const config = parseConfig(
      {
        ...PRODUCTION,
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: '/data',
        DATABASE_POOL_SIZE: '20',
        LOG_LEVEL: 'warn',
        JWT_EXPIRES_IN_SECONDS: '600',
        ADMIN_EMAIL: 'Boss@Example.com',
        ADMIN_PASSWORD: 'twelve-chars-at-least',
        HOLIDAY_COUNTRY: 'de',
        BUSINESS_TIMEZONE: 'Europe/Berlin',
      },
      '/srv/licensor',
    );
    expect(config).toMatchObject({
      environment: 'production',
      http: { host: '127.0.0.1', port: 8080 },
      dataDir: '/data',
      database: { url: PRODUCTION.DATABASE_URL, poolSize: 20 },
      logLevel: 'warn',
      auth: { jwtExpiresInSeconds: 600, adminEmail: 'boss@example.com', adminPassword: 'twelve-chars-at-least' },
      business: { holidayCountry: 'DE', timezone: 'Europe/Berlin' },
    });
    expect(config.licenseTokens.signingKeyPem).toContain('\nMIGHAgEAMBMGByqGSM49\n');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535; it is "eighty".'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535; it is "70000".'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be one of development, test, production; it is "staging".'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a PostgreSQL URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ JWT_SECRET: 'changeme' }, 'JWT_SECRET must be a random value of at least 32 characters'],
    [{ API_KEY_SECRET: 'short' }, 'API_KEY_SECRET must be a random value of at least 32 characters'],
    [{ LICENSE_SIGNING_KEY: 'not a pem' }, 'LICENSE_SIGNING_KEY must be a PEM private key'],
    [{ ADMIN_EMAIL: 'boss', ADMIN_PASSWORD: 'twelve-chars-at-least' }, 'ADMIN_EMAIL must be an e-mail address'],
    [{ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD must be at least 12 characters'],
    [{ ADMIN_EMAIL: 'boss@example.com' }, 'ADMIN_EMAIL and ADMIN_PASSWORD go together'],
    [{ HOLIDAY_COUNTRY: 'Russia' }, 'HOLIDAY_COUNTRY must be a two-letter ISO 3166 country code'],
    [{ HOLIDAY_COUNTRY: 'XX' }, 'HOLIDAY_COUNTRY "XX" has no public-holiday calendar'],
    [{ BUSINESS_TIMEZONE: 'Mars/Olympus' }, 'BUSINESS_TIMEZONE must be an IANA time zone'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE must be a whole number from 1 to 100'],
  ])('explains a bad setting: %p', (env, message) => {
    expect(problemsOf(env)).toEqual([expect.stringContaining(message)]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', BUSINESS_TIMEZONE: 'Nowhere' })).toHaveLength(3);
  });

  it('refuses production without a database URL and real secrets', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      expect.stringContaining('DATABASE_URL is required when NODE_ENV=production'),
      'JWT_SECRET is required when NODE_ENV=production.',
      'API_KEY_SECRET is required when NODE_ENV=production.',
      expect.stringContaining('LICENSE_SIGNING_KEY is required when NODE_ENV=production'),
    ]);
    expect(problemsOf({ ...PRODUCTION, JWT_SECRET: 'x'.repeat(40) })).toEqual([
      expect.stringContaining('JWT_SECRET must be a random value'),
    ]);
    expect(problemsOf(PRODUCTION)).toEqual([]);
  });
});

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-config-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates missing development secrets into DATA_DIR once and reuses them', () => {
    const first = loadConfig({ DATA_DIR: dataDir }, '/');
    expect(first.generatedNow).toEqual(['jwtSecret', 'apiKeySecret', 'signingKeyPem', 'adminPassword']);
    const file = path.join(dataDir, 'dev-secrets.json');
    expect(first.developmentSecretsFile).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.config.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.config.licenseTokens.signingKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(first.config.auth.initialAdmin?.email).toBe(DEVELOPMENT_ADMIN_EMAIL);

    const second = loadConfig({ DATA_DIR: dataDir }, '/');
    expect(second.generatedNow).toEqual([]);
    expect(second.config.auth).toEqual(first.config.auth);
    expect(second.config.licenseTokens).toEqual(first.config.licenseTokens);
  });

  it('prefers the environment to generated secrets and generates only what is missing', () => {
    const loaded = loadConfig(
      { DATA_DIR: dataDir, JWT_SECRET: SECRET, ADMIN_EMAIL: 'me@example.com', ADMIN_PASSWORD: 'my-own-password' },
      '/',
    );
    expect(loaded.generatedNow).toEqual(['apiKeySecret', 'signingKeyPem']);
    expect(loaded.config.auth.jwtSecret).toBe(SECRET);
    expect(loaded.config.auth.initialAdmin).toEqual({ email: 'me@example.com', password: 'my-own-password' });
  });

  it('never generates or writes anything in production', () => {
    const loaded = loadConfig({ ...PRODUCTION, DATA_DIR: dataDir }, '/');
    expect(loaded.generatedNow).toEqual([]);
    expect(loaded.config.auth.initialAdmin).toBeUndefined();
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
