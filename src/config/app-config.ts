/** The validated configuration of one service instance. Only `src/config` reads `process.env`. */
export type RuntimeEnvironment = 'development' | 'test' | 'production';

export interface AppConfig {
  environment: RuntimeEnvironment;
  http: { host: string; port: number };
  /** Where the embedded database and the generated development secrets live. */
  dataDir: string;
  database: {
    /** Absent: the embedded PostgreSQL engine under `dataDir` is started and used. */
    url?: string;
    poolSize: number;
  };
  logLevel: LogLevel;
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
  };
  business: { holidayCountry: string; timezone: string };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Nest injection token for {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
