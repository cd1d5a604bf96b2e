import { IncomingMessage, ServerResponse } from 'node:http';
import {
  API_CONTENT_SECURITY_POLICY,
  docsContentSecurityPolicy,
  inlineStyleHashes,
  isCacheableStaticPath,
  securityHeaders,
} from './security-headers';

/** The headers the middleware sets on an answer to `url`. */
function headersFor(url: string, hstsMaxAgeSeconds = 31_536_000): Record<string, unknown> {
  const headers = new Map<string, unknown>();
  const response = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  } as unknown as ServerResponse;
  let called = false;
  securityHeaders({ hstsMaxAgeSeconds })({ url, headers: {} } as IncomingMessage, response, () => {
    called = true;
  });
  expect(called).toBe(true);
  return Object.fromEntries(headers);
}

describe('securityHeaders', () => {
  it('gives an API answer a CSP that allows nothing, no framing, no referrer, no sniffing, no caching', () => {
    expect(headersFor('/v1/licenses?limit=5')).toMatchObject({
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000',
      'cache-control': 'no-store',
    });
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('sends no HSTS when its max-age is 0', () => {
    expect(headersFor('/v1/licenses', 0)['strict-transport-security']).toBeUndefined();
  });

  it.each(['/docs', '/docs/', '/docs/index.html', '/docs/swagger-ui-bundle.js'])(
    "gives Swagger UI's %s its own policy",
    (path) => {
      expect(headersFor(path)['content-security-policy']).toBe(docsContentSecurityPolicy());
    },
  );

  it.each([
    ['/docs/swagger-ui.css', true],
    ['/docs/swagger-ui-bundle.js', true],
    ['/docs', false],
    ['/docs/', false],
    ['/docs/index.html', false],
    ['/docs-json', false],
    ['/v1/licenses', false],
    ['/index.php', false],
  ])('lets %s be cached: %p', (path, cacheable) => {
    expect(isCacheableStaticPath(path)).toBe(cacheable);
    expect(headersFor(path)['cache-control']).toBe(cacheable ? undefined : 'no-store');
  });

  it("never allows inline scripts or 'unsafe-inline' for Swagger UI", () => {
    const policy = docsContentSecurityPolicy();
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('hashes the inline styles of a page as CSP source expressions', () => {
    expect(inlineStyleHashes('<style>\n a{}\n</style><svg style="width:0"></svg><style media="x">b{}</style>')).toEqual(
      [
        "'sha256-QQ1wmzTJ3G5aVk+cIW47xvsC+k0P5GPINHVI4I853ks='",
        "'sha256-7yqHVAesot11p6HczDsgKRipvI5UPgs97z80zNXlans='",
        "'sha256-cNPbisQmuif4OeX+3nJfD/pH63QJLeSOZhYJMBkKq08='",
      ],
    );
  });
});
