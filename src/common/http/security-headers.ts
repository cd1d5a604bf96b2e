import { createHash } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/** Where Swagger UI lives: its page (`/docs`, `/docs/`, `/docs/index.html`) and its static files (`/docs/…`). */
export const DOCS_PATH = '/docs';

/**
 * The Content-Security-Policy of every answer but Swagger UI's: JSON, problem documents, CSV and the legacy
 * protocol's text load nothing, run nothing and may not be framed.
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The inline styles of the page @nestjs/swagger serves at /docs, allowed by their SHA-256 instead of
 * 'unsafe-inline': its two `<style>` elements (the template's base styles, and the rule that hides the
 * "explore" bar) and the `style` attribute of its SVG icon sheet (`'unsafe-hashes'` lets a hash match an
 * attribute, nothing else), as {@link inlineStyleHashes} reads them from the page.
 */
export const DOCS_PAGE_STYLE_HASHES = [
  "'sha256-/jDKvbQ8cdux+c5epDIqkjHbXDaIY8RucT1PmAe8FG4='",
  "'sha256-eaPyLWVdqMc60xuz5bTp2yBRgVpQSoUggte1+40ONPU='",
  "'sha256-ezdv1bOGcoOD7FKudKN0Y2Mb763O6qVtM8LT2mtanIU='",
];

/**
 * Every inline style Swagger UI applies: the page's, and the `<style>` of the Swagger logo in its top bar, which
 * swagger-ui-standalone-preset.js draws (`.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{…}`).
 * Swagger UI's scripts are files (`swagger-ui-bundle.js`, `swagger-ui-init.js`, …): no inline script runs, so
 * scripts need no exception at all. After an upgrade of @nestjs/swagger or swagger-ui-dist,
 * test/e2e/hardening.e2e-spec.ts fails when the page's styles changed (its message gives the new values) and the
 * browser test (test/e2e/swagger-ui.e2e-spec.ts) fails on any style or script the browser refused.
 */
export const DOCS_STYLE_HASHES = [...DOCS_PAGE_STYLE_HASHES, "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"];

/**
 * Swagger UI's policy: its files from here, its inline styles by hash, images from here and `data:` (its
 * icons), requests ("Try it out", the OAuth token) to this origin only, no plug-ins, no framing, no `<base>`.
 */
export function docsContentSecurityPolicy(styleHashes: readonly string[] = DOCS_STYLE_HASHES): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'unsafe-hashes' ${styleHashes.join(' ')}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The CSP source expressions (`'sha256-…'`) of the inline styles of an HTML page: its `<style>` elements, then
 * its `style="…"` attributes, in order.
 */
export function inlineStyleHashes(html: string): string[] {
  const elements = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map(([, css]) => css);
  const attributes = [...html.matchAll(/\sstyle="([^"]*)"/g)].map(([, css]) => css);
  return [...elements, ...attributes].map(
    (css) => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`,
  );
}

/**
 * Whether an answer may be kept by a browser or a proxy. Every answer of the API is `no-store` by default: most
 * carry a license key, an API key, a token, an e-mail address or a customer's name, and a list that carries none
 * today may tomorrow. The exceptions set their own Cache-Control: Swagger UI's static files (the same for
 * everyone) and the JWKS (public keys, cached for a while on purpose).
 */
export function isCacheableStaticPath(path: string): boolean {
  return path.startsWith(`${DOCS_PATH}/`) && path !== `${DOCS_PATH}/` && path !== `${DOCS_PATH}/index.html`;
}

export interface SecurityHeaderOptions {
  /** Strict-Transport-Security max-age; 0 sends none. */
  hstsMaxAgeSeconds: number;
}

/**
 * The security headers of every answer, errors and 404s included (mounted before any route): helmet's set with
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, a strict CSP
 * (Swagger UI's own under /docs), Cross-Origin-Opener/Resource-Policy `same-origin`, HSTS when configured; and
 * `Cache-Control: no-store` unless a route says otherwise.
 */
export function securityHeaders(options: SecurityHeaderOptions): Middleware {
  const helmetHeaders = helmet({
    // Set below, per path: helmet's one policy for every answer cannot tell Swagger UI from the API.
    contentSecurityPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity:
      options.hstsMaxAgeSeconds > 0
        ? { maxAge: options.hstsMaxAgeSeconds, includeSubDomains: false, preload: false }
        : false,
  });
  const docsPolicy = docsContentSecurityPolicy();
  return (request, response, next) => {
    const path = (request.url ?? '/').split('?')[0];
    const docs = path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`);
    response.setHeader('Content-Security-Policy', docs ? docsPolicy : API_CONTENT_SECURITY_POLICY);
    if (!isCacheableStaticPath(path)) response.setHeader('Cache-Control', 'no-store');
    helmetHeaders(request, response, next);
  };
}
