/** The validated configuration of one service instance. Only `src/config` reads `process.env`. */
export type RuntimeEnvironment = 'development' | 'test' | 'production';

export interface AppConfig {
  environment: RuntimeEnvironment;
  http: {
    host: string;
    port: number;
    /**
     * Reverse proxies whose `X-Forwarded-For` is believed (the platform's `trustProxy`): addresses, CIDR ranges or
     * `loopback`, `linklocal`, `uniquelocal`. Empty: the client address is the TCP peer.
     */
    trustProxy: string[];
    /**
     * `Strict-Transport-Security: max-age=…` on every answer (browsers heed it over HTTPS only); 0 sends none,
     * for a TLS terminator that sets its own or a host that also serves plain HTTP.
     */
    hstsMaxAgeSeconds: number;
  };
  /** Where the embedded database and the generated development secrets live. */
  dataDir: string;
  database: {
    /** Absent: the embedded PostgreSQL server under `dataDir` is started and used. */
    url?: string;
    poolSize: number;
  };
  logLevel: LogLevel;
  /**
   * `json`: one JSON object per line, for machines (the default when standard output is not a terminal).
   * `pretty`: coloured lines for a person at a terminal. Absent: `json`.
   */
  logFormat?: LogFormat;
  auth: {
    jwtSecret: string;
    jwtExpiresInSeconds: number;
    /** Key of the HMAC under which storefront API keys are stored. */
    apiKeySecret: string;
    initialAdmin?: { email: string; password: string };
  };
  licenseTokens: {
    /** PEM of the EC P-256 private key that signs verification tokens (ES256). */
    signingKeyPem: string;
    /** PEMs of earlier signing keys' public halves, still published in the JWKS after a rotation. */
    verificationKeysPem: string[];
    /** Lifetime of a verification token. */
    ttlSeconds: number;
  };
  /** Calls of the verification API and the legacy check allowed per minute. */
  verifyRateLimits: { perIp: number; perKey: number };
  /** Failed staff logins allowed per account and per client address before both logins answer 429. */
  loginThrottle: LoginThrottleConfig;
  business: { holidayCountry: string; timezone: string };
  webhooks: WebhooksConfig;
  domains: {
    /** Development hosts besides the built-in ones: normalised host names or `*.suffix` patterns. */
    developmentPatterns: string[];
  };
  subscriptions: SubscriptionsConfig;
  installationReports: InstallationReportsConfig;
  /** The largest license file `POST /v1/imports` reads, in bytes (413 above). */
  importMaxBytes: number;
  /** The largest release package `PUT /v1/products/{sku}/releases/{version}/package` stores, in bytes (413 above). */
  packageMaxBytes: number;
  /**
   * How long a package transfer (upload or download) waits for a free transfer slot (at most half of
   * `database.poolSize` run at once) before it is refused with 503 PACKAGE_TRANSFERS_BUSY; 0 refuses at once.
   */
  packageTransferWaitMs: number;
}

/** One limit of failed logins: at most `limit` failures within the last `windowSeconds`. */
export interface LoginFailureLimit {
  limit: number;
  windowSeconds: number;
}

/** The two limits of staff logins: per attempted e-mail (known or not) and per client address. */
export interface LoginThrottleConfig {
  perAccount: LoginFailureLimit;
  perAddress: LoginFailureLimit;
}

/** Update subscriptions: download tokens and the expiry reminders job. */
export interface SubscriptionsConfig {
  /** Lifetime of a signed download token. */
  downloadTokenTtlSeconds: number;
  /** Seconds between two runs of the reminders job on each instance; 0 starts none (tests call `runReminders`). */
  reminderIntervalSeconds: number;
}

/**
 * How far the installation reports of keys that match no license may grow: they are deleted once not seen for the
 * retention, and a new (product, host) row is not stored beyond the caps.
 */
export interface InstallationReportsConfig {
  /** Days after its last check that an unknown key's report is deleted. */
  retentionDays: number;
  /** Seconds between two runs of the pruning job on each instance; 0 starts none (tests call `prune`). */
  pruneIntervalSeconds: number;
  /** The most hosts kept per product (as sent) for unknown keys. */
  unknownHostsPerProduct: number;
  /** The most rows kept for unknown keys in all. */
  unknownMaxRows: number;
}

/** The webhook dispatcher: how often it polls the outbox, how it retries, how long it waits for a receiver. */
export interface WebhooksConfig {
  /** Milliseconds between two polls of the outbox; 0 starts no polling loop (tests call `runOnce`). */
  pollIntervalMs: number;
  /** Attempts of one delivery before it is `failed`; staff may still retry it by hand. */
  maxAttempts: number;
  /** Wait after the first failed attempt; doubled after each further one, at most 6 hours. */
  retryBaseSeconds: number;
  /** How long one request to a receiver may take before it counts as failed. */
  timeoutMs: number;
  /** Deliveries one dispatcher claims and sends at a time. */
  batchSize: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Nest injection token for {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
