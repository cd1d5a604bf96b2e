import { createPrivateKey, createPublicKey, KeyObject, sign } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { jwkThumbprint, PublicJwk, SignedClaims, TOKEN_ALGORITHM, TOKEN_ISSUER } from './signing.rules';

/**
 * A token {@link TokenSigner.verify} checked: its claims when it is one of ours, for the audience asked, and
 * unexpired; else why not (`expired` only for a token that is otherwise good).
 */
export type TokenCheck =
  { valid: true; claims: Record<string, unknown> } | { valid: false; reason: 'expired' | 'invalid' };

/**
 * Signs the service's tokens — verification tokens for add-ons, download tokens — (ES256 only), publishes the keys
 * that check them, and checks the tokens that come back (download tokens). The key objects are built
 * once at start-up, so a bad key stops the start rather than the first verification. The JWKS holds the
 * current key first, then the public keys of earlier signing keys (`LICENSE_VERIFICATION_KEYS`), so tokens
 * signed before a rotation keep verifying until they expire.
 */
@Injectable()
export class TokenSigner {
  private readonly privateKey: KeyObject;
  /** The JOSE header of every token, as jsonwebtoken writes it: the same for all tokens of a signing key. */
  private readonly encodedHeader: string;
  /** The public keys of the JWKS by `kid`: the current one and the earlier ones. */
  private readonly publicKeys = new Map<string, KeyObject>();
  readonly keySet: { keys: PublicJwk[] };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.privateKey = createPrivateKey(config.licenseTokens.signingKeyPem);
    assertP256(this.privateKey, 'LICENSE_SIGNING_KEY');
    const currentKey = createPublicKey(this.privateKey);
    const current = publicJwk(currentKey);
    this.encodedHeader = base64Url(JSON.stringify({ alg: TOKEN_ALGORITHM, typ: 'JWT', kid: current.kid }));
    this.publicKeys.set(current.kid, currentKey);
    const keys = [current];
    for (const pem of config.licenseTokens.verificationKeysPem) {
      const key = createPublicKey(pem);
      assertP256(key, 'LICENSE_VERIFICATION_KEYS');
      const jwk = publicJwk(key);
      if (!keys.some((known) => known.kid === jwk.kid)) {
        keys.push(jwk);
        this.publicKeys.set(jwk.kid, key);
      }
    }
    this.keySet = { keys };
  }

  /**
   * The compact JWS of `claims` (ES256, `kid` of the current key): the token jsonwebtoken's `sign` made, with the
   * claims as given (`iat` included). Signed with node:crypto directly, since every valid check signs one and
   * jsonwebtoken's own checks and conversions cost as much again as the signature (bench/RESULTS.md).
   */
  sign(claims: SignedClaims): string {
    const signingInput = `${this.encodedHeader}.${base64Url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  /**
   * Checks a token as its receiver would against the JWKS: ES256 only (`alg: none` or HS256 with the public key
   * are refused), signed by a key of the JWKS under its `kid`, issued by this service for `audience`, and with an
   * `exp` after `now`. Never throws.
   */
  verify(token: string, audience: string, now: Date): TokenCheck {
    const invalid: TokenCheck = { valid: false, reason: 'invalid' };
    let claims: string | jwt.JwtPayload;
    try {
      const decoded = jwt.decode(token, { complete: true });
      if (decoded === null || typeof decoded.payload === 'string') return invalid;
      const kid = (decoded.header as { kid?: unknown } | null)?.kid;
      const key = typeof kid === 'string' ? this.publicKeys.get(kid) : undefined;
      if (key === undefined) return invalid;
      // Expiry is checked below, after the audience: an expired token of another audience is invalid, not expired.
      claims = jwt.verify(token, key, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience,
        ignoreExpiration: true,
        clockTimestamp: Math.floor(now.getTime() / 1000),
      });
    } catch {
      return invalid;
    }
    if (typeof claims === 'string' || typeof claims.exp !== 'number') return invalid;
    if (Math.floor(now.getTime() / 1000) >= claims.exp) return { valid: false, reason: 'expired' };
    return { valid: true, claims };
  }
}

function assertP256(key: KeyObject, setting: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${setting} must hold EC P-256 keys (ES256); it holds a ${key.asymmetricKeyType} key.`);
  }
}

function publicJwk(key: KeyObject): PublicJwk {
  const { x, y } = key.export({ format: 'jwk' });
  if (x === undefined || y === undefined) throw new Error('An EC public key exported as JWK lacks x or y.');
  return {
    kty: 'EC',
    crv: 'P-256',
    x,
    y,
    kid: jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y }),
    alg: TOKEN_ALGORITHM,
    use: 'sig',
  };
}

function base64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
