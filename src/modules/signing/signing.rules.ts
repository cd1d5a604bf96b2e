import { createHash } from 'node:crypto';

/** Every token the service signs (verification tokens, download tokens) is ES256 and names the service. */
export const TOKEN_ALGORITHM = 'ES256';
export const TOKEN_ISSUER = 'licensor';

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

/** What a signed token says at least: who issued it, for whom, when and until when. Each kind adds its own. */
export interface SignedClaims {
  iss: typeof TOKEN_ISSUER;
  aud: string;
  iat: number;
  exp: number;
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
