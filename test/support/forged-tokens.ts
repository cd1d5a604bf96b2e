import { createHmac } from 'node:crypto';

const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS assembled by hand, so that no library refuses to produce a forgery (`alg: none`, …). */
export function compactToken(header: object, claims: object, signature = ''): string {
  return `${segment(header)}.${segment(claims)}.${signature}`;
}

/**
 * An HS256 token keyed with `secret` as it is given: with a public key's text this is the classic algorithm
 * confusion, which a verifier that lets the token choose its algorithm would accept.
 */
export function hs256Token(claims: object, secret: string, header: object = {}): string {
  const signingInput = `${segment({ alg: 'HS256', typ: 'JWT', ...header })}.${segment(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}
