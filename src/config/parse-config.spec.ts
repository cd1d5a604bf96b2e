import { generateKeyPairSync } from 'node:crypto';
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

const ecPublicPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
const RSA_PUBLIC_PEM = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .publicKey.export({ format: 'pem', type: 'spki' })
  .toString();

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
      logFormat: 'json',
      business: { holidayCountry: 'RU', timezone: 'Europe/Moscow' },
    });
    expect(config.auth.jwtExpiresInSeconds).toBe(900);
  });

  it.each([
    [{}, false, 'json'],
    [{}, true, 'pretty'],
    [{ LOG_FORMAT: 'json' }, true, 'json'],
    [{ LOG_FORMAT: 'pretty' }, false, 'pretty'],
    [{ LOG_FORMAT: ' Pretty ' }, false, 'pretty'],
    [{ LOG_FORMAT: '' }, true, 'pretty'],
  ])('chooses the log format from %p, standard output a terminal: %p → %p', (env, stdoutIsTerminal, logFormat) => {
    expect(parseConfig(env, '/', { stdoutIsTerminal }).logFormat).toBe(logFormat);
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
    [{ LOG_FORMAT: 'text' }, 'LOG_FORMAT must be one of json, pretty; it is "text".'],
    [{ JWT_SECRET: 'changeme' }, 'JWT_SECRET must be a random value of at least 32 characters'],
    [{ API_KEY_SECRET: 'short' }, 'API_KEY_SECRET must be a random value of at least 32 characters'],
    [{ LICENSE_SIGNING_KEY: 'not a pem' }, 'LICENSE_SIGNING_KEY must be a PEM private key'],
    [{ LICENSE_TOKEN_TTL_SECONDS: '10' }, 'LICENSE_TOKEN_TTL_SECONDS must be a whole number from 60 to 31622400'],
    [{ VERIFY_RATE_LIMIT_PER_IP: '0' }, 'VERIFY_RATE_LIMIT_PER_IP must be a whole number from 1 to 1000000'],
    [{ VERIFY_RATE_LIMIT_PER_KEY: 'many' }, 'VERIFY_RATE_LIMIT_PER_KEY must be a whole number from 1 to 1000000'],
    [{ LICENSE_VERIFICATION_KEYS: 'not a pem' }, 'LICENSE_VERIFICATION_KEYS must be the PEM public keys (EC P-256)'],
    [{ LICENSE_VERIFICATION_KEYS: PRODUCTION.LICENSE_SIGNING_KEY }, 'it holds a private key'],
    [{ LICENSE_VERIFICATION_KEYS: RSA_PUBLIC_PEM }, 'key 1 is not an EC P-256 key'],
    [
      { LICENSE_VERIFICATION_KEYS: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' },
      'key 1 cannot be read',
    ],
    [{ ADMIN_EMAIL: 'boss', ADMIN_PASSWORD: 'twelve-chars-at-least' }, 'ADMIN_EMAIL must be an e-mail address'],
    [{ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD must be at least 12 characters'],
    [{ ADMIN_EMAIL: 'boss@example.com' }, 'ADMIN_EMAIL and ADMIN_PASSWORD go together'],
    [{ HOLIDAY_COUNTRY: 'Russia' }, 'HOLIDAY_COUNTRY must be a two-letter ISO 3166 country code'],
    [{ HOLIDAY_COUNTRY: 'XX' }, 'HOLIDAY_COUNTRY "XX" has no public-holiday calendar'],
    [{ BUSINESS_TIMEZONE: 'Mars/Olympus' }, 'BUSINESS_TIMEZONE must be an IANA time zone'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE must be a whole number from 1 to 100'],
    [
      { DEVELOPMENT_DOMAIN_PATTERNS: '*.lan, https://preview.shop.com' },
      'DEVELOPMENT_DOMAIN_PATTERNS must be comma-separated host names or *.suffix patterns (e.g. "*.lan,preview.shop.com"); "https://preview.shop.com" is not one',
    ],
    [{ DEVELOPMENT_DOMAIN_PATTERNS: '*' }, '"*" is not one'],
    [{ DEVELOPMENT_DOMAIN_PATTERNS: 'a.*.com' }, '"a.*.com" is not one'],
    [{ DEVELOPMENT_DOMAIN_PATTERNS: '10.0.0.1' }, '"10.0.0.1" is not one: an IP address is not a host name pattern'],
    [{ DEVELOPMENT_DOMAIN_PATTERNS: 'bad_host.com' }, '"bad_host.com" is not one: the label "bad_host"'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY must be comma-separated addresses or CIDR ranges'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, '"10.0.0.0/33" is not one'],
    [{ TRUST_PROXY: 'proxy.internal' }, '"proxy.internal" is not one'],
    [{ TRUST_PROXY: '10.0.0.1/8/1' }, '"10.0.0.1/8/1" is not one'],
  ])('explains a bad setting: %p', (env, message) => {
    expect(problemsOf(env)).toEqual([expect.stringContaining(message)]);
  });

  it('reads the trusted reverse proxies, none by default', () => {
    expect(parseConfig({}, '/').http.trustProxy).toEqual([]);
    expect(parseConfig({ TRUST_PROXY: ' loopback, 10.0.0.0/8 ,fd00::/8,192.0.2.7' }, '/').http.trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7',
    ]);
  });

  it('reads development domain patterns normalised, none by default', () => {
    expect(parseConfig({}, '/').domains).toEqual({ developmentPatterns: [] });
    expect(
      parseConfig({ DEVELOPMENT_DOMAIN_PATTERNS: ' *.LAN , preview.shop.com., ,*.магазин.рф,www.demo.shop.com,' }, '/')
        .domains,
    ).toEqual({ developmentPatterns: ['*.lan', 'preview.shop.com', '*.xn--80aairftm.xn--p1ai', 'demo.shop.com'] });
  });

  it('reads the update-subscription settings: download token lifetime and reminders interval', () => {
    expect(parseConfig({}, '/').subscriptions).toEqual({ downloadTokenTtlSeconds: 600, reminderIntervalSeconds: 3600 });
    expect(
      parseConfig({ DOWNLOAD_TOKEN_TTL_SECONDS: '120', REMINDER_INTERVAL_SECONDS: '0' }, '/').subscriptions,
    ).toEqual({ downloadTokenTtlSeconds: 120, reminderIntervalSeconds: 0 });
    expect(problemsOf({ DOWNLOAD_TOKEN_TTL_SECONDS: '7200', REMINDER_INTERVAL_SECONDS: 'hourly' })).toEqual([
      'DOWNLOAD_TOKEN_TTL_SECONDS must be a whole number from 10 to 3600; it is "7200".',
      'REMINDER_INTERVAL_SECONDS must be a whole number from 0 to 86400; it is "hourly".',
    ]);
  });

  it('reads the largest release package, 100 MiB by default', () => {
    expect(parseConfig({}, '/').packageMaxBytes).toBe(104_857_600);
    expect(parseConfig({ PACKAGE_MAX_BYTES: '2048' }, '/').packageMaxBytes).toBe(2048);
    expect(problemsOf({ PACKAGE_MAX_BYTES: '100MB' })).toEqual([
      'PACKAGE_MAX_BYTES must be a whole number from 1024 to 17179869184; it is "100MB".',
    ]);
  });

  it('reads the verification settings: token lifetime, earlier public keys and rate limits', () => {
    expect(parseConfig({}, '/').licenseTokens).toEqual({
      signingKeyPem: undefined,
      verificationKeysPem: [],
      ttlSeconds: 604_800,
    });
    expect(parseConfig({}, '/').verifyRateLimits).toEqual({ perIp: 300, perKey: 60 });
    const [first, second] = [ecPublicPem(), ecPublicPem()];
    const config = parseConfig(
      {
        LICENSE_VERIFICATION_KEYS: `${first.trim().replace(/\n/g, '\\n')}\\n${second}`,
        LICENSE_TOKEN_TTL_SECONDS: '3600',
        VERIFY_RATE_LIMIT_PER_IP: '1000',
        VERIFY_RATE_LIMIT_PER_KEY: '10',
      },
      '/',
    );
    expect(config.licenseTokens.verificationKeysPem).toEqual([first.trim(), second.trim()]);
    expect(config.licenseTokens.ttlSeconds).toBe(3600);
    expect(config.verifyRateLimits).toEqual({ perIp: 1000, perKey: 10 });
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', BUSINESS_TIMEZONE: 'Nowhere' })).toHaveLength(3);
  });

  it('refuses production without real secrets, on the embedded engine too', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
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

  it('passes on whether standard output is a terminal, which decides the default log format', () => {
    expect(loadConfig({ DATA_DIR: dataDir }, '/', { stdoutIsTerminal: true }).config.logFormat).toBe('pretty');
    expect(loadConfig({ DATA_DIR: dataDir }, '/', { stdoutIsTerminal: false }).config.logFormat).toBe('json');
  });

  it('never generates or writes anything in production', () => {
    const loaded = loadConfig({ ...PRODUCTION, DATA_DIR: dataDir }, '/');
    expect(loaded.generatedNow).toEqual([]);
    expect(loaded.config.auth.initialAdmin).toBeUndefined();
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
