import { TOKEN_ISSUER } from '../signing/signing.rules';

export const TOKEN_AUDIENCE = 'licensor-addon';

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
