import { createHash } from 'node:crypto';

export const TOKEN_ALGORITHM = 'ES256';
export const TOKEN_ISSUER = 'licensor';
export const TOKEN_AUDIENCE = 'licensor-addon';

/** A public key as the JWKS publishes it. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof TOKEN_ALGORITHM;
  use: 'sig';
}

/** The claims of a verification token: what an add-on may cache and check offline until `exp`. */
export interface LicenseTokenClaims {
  iss: typeof TOKEN_ISSUER;
  aud: typeof TOKEN_AUDIENCE;
  /** The license id. */
  sub: string;
  /** The product's sku. */
  product: string;
  addonId: string | null;
  /** Bound domains; development hosts are never bound and so never listed. */
  domains: string[];
  status: string;
  /** ISO 8601: releases after this moment are not covered (security fixes aside). */
  updatesUntil: string;
  /** Echoed from the request, so that an add-on can tell a fresh token from a replayed one. */
  nonce?: string;
  iat: number;
  exp: number;
}

export interface TokenSubject {
  id: string;
  productSku: string;
  addonId: string | null;
  domains: string[];
  status: string;
  updatesUntil: Date;
}

export function buildTokenClaims(
  license: TokenSubject,
  nonce: string | undefined,
  now: Date,
  ttlSeconds: number,
): LicenseTokenClaims {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    sub: license.id,
    product: license.productSku,
    addonId: license.addonId,
    domains: [...license.domains],
    status: license.status,
    updatesUntil: license.updatesUntil.toISOString(),
    ...(nonce === undefined ? {} : { nonce }),
    iat,
    exp: iat + ttlSeconds,
  };
}

/**
 * The members RFC 7638 hashes for each key type, in the lexicographic order it requires. Only EC keys sign
 * here; RSA is the type of the RFC's own test vector.
 */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
};

/**
 * The RFC 7638 thumbprint of a public JWK: SHA-256 over the JSON of its required members only, in lexicographic
 * order and without whitespace, base64url-encoded. It depends on the key alone, so the same key always gets the
 * same `kid`, on every instance and after every restart.
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (members === undefined) throw new RangeError(`jwkThumbprint: unsupported key type "${String(jwk.kty)}".`);
  const canonical: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string') throw new RangeError(`jwkThumbprint: the JWK lacks "${member}".`);
    canonical[member] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
