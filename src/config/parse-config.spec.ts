import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from './load-config';
import { ConfigError, DEVELOPMENT_ADMIN_EMAIL, parseConfig } from './parse-config';

/** Outputs of `openssl rand -base64 33`, as an operator would set them. */
const SECRET = 'Ocoo34zJpaUdabObIDIUN7lR3AszfA0EVHRNHoZuRQww';
const OTHER_SECRET = 'vTJdDYusWzhGjzx7PkmlcmnlwoImcJeaFyTRAiMCYlYr';
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://licensor:pw@db.internal:5432/licensor',
  JWT_SECRET: SECRET,
  API_KEY_SECRET: OTHER_SECRET,
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
      http: { host: '0.0.0.0', port: 3000, hstsMaxAgeSeconds: 31_536_000 },
      dataDir: '/srv/licensor/var',
      database: { url: undefined, poolSize: 10 },
      logLevel: 'info',
      logFormat: 'json',
      business: { holidayCountry: 'RU', timezone: 'Europe/Moscow' },
      installationReports: {
        retentionDays: 90,
        pruneIntervalSeconds: 3600,
        unknownHostsPerProduct: 1000,
        unknownMaxRows: 100_000,
      },
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
        INSTALLATION_REPORT_RETENTION_DAYS: '30',
        INSTALLATION_REPORT_PRUNE_INTERVAL_SECONDS: '0',
        INSTALLATION_REPORT_UNKNOWN_HOSTS_PER_PRODUCT: '50',
        INSTALLATION_REPORT_UNKNOWN_MAX_ROWS: '5000',
        HSTS_MAX_AGE_SECONDS: '0',
      },
      '/srv/licensor',
    );
    expect(config).toMatchObject({
      environment: 'production',
      http: { host: '127.0.0.1', port: 8080, hstsMaxAgeSeconds: 0 },
      dataDir: '/data',
      database: { url: PRODUCTION.DATABASE_URL, poolSize: 20 },
      logLevel: 'warn',
      auth: { jwtExpiresInSeconds: 600, adminEmail: 'boss@example.com', adminPassword: 'twelve-chars-at-least' },
      business: { holidayCountry: 'DE', timezone: 'Europe/Berlin' },
      installationReports: {
        retentionDays: 30,
        pruneIntervalSeconds: 0,
        unknownHostsPerProduct: 50,
        unknownMaxRows: 5000,
      },
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
    [{ LOGIN_FAILURES_PER_ACCOUNT: '0' }, 'LOGIN_FAILURES_PER_ACCOUNT must be a whole number from 1 to 1000'],
    [{ LOGIN_ACCOUNT_WINDOW_SECONDS: '15m' }, 'LOGIN_ACCOUNT_WINDOW_SECONDS must be a whole number from 1 to 86400'],
    [{ LOGIN_FAILURES_PER_ADDRESS: '-1' }, 'LOGIN_FAILURES_PER_ADDRESS must be a whole number from 1 to 100000'],
    [{ LOGIN_ADDRESS_WINDOW_SECONDS: '0' }, 'LOGIN_ADDRESS_WINDOW_SECONDS must be a whole number from 1 to 86400'],
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
    [{ HSTS_MAX_AGE_SECONDS: 'forever' }, 'HSTS_MAX_AGE_SECONDS must be a whole number from 0 to 63072000'],
    [
      { INSTALLATION_REPORT_RETENTION_DAYS: '0' },
      'INSTALLATION_REPORT_RETENTION_DAYS must be a whole number from 1 to 3650; it is "0".',
    ],
    [
      { INSTALLATION_REPORT_PRUNE_INTERVAL_SECONDS: '1h' },
      'INSTALLATION_REPORT_PRUNE_INTERVAL_SECONDS must be a whole number from 0 to 86400',
    ],
    [
      { INSTALLATION_REPORT_UNKNOWN_HOSTS_PER_PRODUCT: '-5' },
      'INSTALLATION_REPORT_UNKNOWN_HOSTS_PER_PRODUCT must be a whole number from 1 to 1000000',
    ],
    [
      { INSTALLATION_REPORT_UNKNOWN_MAX_ROWS: '1e6' },
      'INSTALLATION_REPORT_UNKNOWN_MAX_ROWS must be a whole number from 1 to 100000000',
    ],
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

  it('reads how long a package transfer waits for a slot, 10 s by default', () => {
    expect(parseConfig({}, '/').packageTransferWaitMs).toBe(10_000);
    expect(parseConfig({ PACKAGE_TRANSFER_WAIT_MS: '0' }, '/').packageTransferWaitMs).toBe(0);
    expect(parseConfig({ PACKAGE_TRANSFER_WAIT_MS: '250' }, '/').packageTransferWaitMs).toBe(250);
    expect(problemsOf({ PACKAGE_TRANSFER_WAIT_MS: '10s' })).toEqual([
      'PACKAGE_TRANSFER_WAIT_MS must be a whole number from 0 to 300000; it is "10s".',
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

  it('reads the login limits: 5 failures per account in 15 minutes and 20 per address in a minute by default', () => {
    expect(parseConfig({}, '/').loginThrottle).toEqual({
      perAccount: { limit: 5, windowSeconds: 900 },
      perAddress: { limit: 20, windowSeconds: 60 },
    });
    const config = parseConfig(
      {
        LOGIN_FAILURES_PER_ACCOUNT: '3',
        LOGIN_ACCOUNT_WINDOW_SECONDS: '3600',
        LOGIN_FAILURES_PER_ADDRESS: '50',
        LOGIN_ADDRESS_WINDOW_SECONDS: '300',
      },
      '/',
    );
    expect(config.loginThrottle).toEqual({
      perAccount: { limit: 3, windowSeconds: 3600 },
      perAddress: { limit: 50, windowSeconds: 300 },
    });
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

  describe('guessable secrets in production', () => {
    it.each([
      ['passwordpasswordpasswordpassword', 'it uses only 7 different characters, about 89 bits'],
      ['password-password-password-password', 'it is made of repeated text'],
      ['a'.repeat(40), 'it uses only 1 different characters'],
      ['abababababababababababababababababababab', 'it uses only 2 different characters'],
      ['0110100110010110100101100110100110010110011010010110', 'it uses only 2 different characters'],
      ['abcdefghijklmnopqrstuvwxyz0123456789', 'it is made of a sequence such as abcd or 6789'],
      ['qwertyuiopasdfghjklzxcvbnmqwertyuiop', 'it is made of dictionary words or common passwords'],
      ['1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/', 'a keyboard run such as qwerty'],
      ['correcthorsebatterystaplesunshine', 'it is made of dictionary words or common passwords'],
      ['my-licensor-production-jwt-secret-2026', 'it is made of'],
      ['jwt-secret-for-tests-only-0123456789abcdef', 'it is made of'],
      ['a'.repeat(20) + 'B9x_Qw7-Lm3ZpR4tY8uVs', 'it is made of repeated text'],
    ])('refuses %p: %s', (guessable, reason) => {
      const problems = problemsOf({ ...PRODUCTION, JWT_SECRET: guessable, API_KEY_SECRET: guessable });
      expect(problems).toEqual([
        `JWT_SECRET is guessable: ${problems[0]?.split('guessable: ')[1]}`,
        expect.stringMatching(/^API_KEY_SECRET is guessable: /),
      ]);
      expect(problems[0]).toContain(reason);
      expect(problems[0]).toContain(
        'Use a random value of at least 32 characters; generate one with: openssl rand -base64 48.',
      );
    });

    it.each([
      ['openssl rand -base64 48', 't0b7zwGdgSd5++i7XIT5YknWBFTZ3dCYDfu72L4uKuysaw+cjWRPa5vbWc/Tuumb'],
      ['openssl rand -hex 16', '00f99f9b082e8bac911d39c985013049'],
      ['a UUID without its hyphens', '3f0e2a4c9b1d4c6e8a2f5d7b9c1e3a40'],
      ['generated now', randomBytes(32).toString('base64url')],
    ])('accepts a random key (%s)', (_source, key) => {
      expect(problemsOf({ ...PRODUCTION, JWT_SECRET: key })).toEqual([]);
    });

    it('leaves development and tests free to use any key of 32 characters', () => {
      expect(problemsOf({ JWT_SECRET: 'passwordpasswordpasswordpassword', API_KEY_SECRET: 'a'.repeat(40) })).toEqual(
        [],
      );
    });

    it('refuses a guessable first admin password in production only', () => {
      const admin = { ADMIN_EMAIL: 'boss@example.com' };
      expect(problemsOf({ ...PRODUCTION, ...admin, ADMIN_PASSWORD: 'password1234' })).toEqual([
        expect.stringMatching(
          /^ADMIN_PASSWORD is guessable in about 10\^\d guesses: it is made of .*\. Choose a passphrase of several unrelated words, or generate one with: openssl rand -base64 18\.$/,
        ),
      ]);
      expect(problemsOf({ ...PRODUCTION, ...admin, ADMIN_PASSWORD: 'boss@example.com' })).toHaveLength(1);
      expect(problemsOf({ ...PRODUCTION, ...admin, ADMIN_PASSWORD: 'qwertyuiop123' })).toHaveLength(1);
      expect(problemsOf({ ...PRODUCTION, ...admin, ADMIN_PASSWORD: 'correct horse battery staple' })).toEqual([]);
      expect(problemsOf({ ...admin, ADMIN_PASSWORD: 'password1234' })).toEqual([]);
    });
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
