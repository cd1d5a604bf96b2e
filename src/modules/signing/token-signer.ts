import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { jwkThumbprint, PublicJwk, SignedClaims, TOKEN_ALGORITHM } from './signing.rules';

/**
 * Signs the service's tokens — verification tokens for add-ons, download tokens for the file server — (ES256
 * only) and publishes the keys that check them. The key objects are built
 * once at start-up, so a bad key stops the start rather than the first verification. The JWKS holds the
 * current key first, then the public keys of earlier signing keys (`LICENSE_VERIFICATION_KEYS`), so tokens
 * signed before a rotation keep verifying until they expire.
 */
@Injectable()
export class TokenSigner {
  private readonly privateKey: KeyObject;
  private readonly kid: string;
  readonly keySet: { keys: PublicJwk[] };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.privateKey = createPrivateKey(config.licenseTokens.signingKeyPem);
    assertP256(this.privateKey, 'LICENSE_SIGNING_KEY');
    const current = publicJwk(createPublicKey(this.privateKey));
    this.kid = current.kid;
    const keys = [current];
    for (const pem of config.licenseTokens.verificationKeysPem) {
      const key = createPublicKey(pem);
      assertP256(key, 'LICENSE_VERIFICATION_KEYS');
      const jwk = publicJwk(key);
      if (!keys.some((known) => known.kid === jwk.kid)) keys.push(jwk);
    }
    this.keySet = { keys };
  }

  sign(claims: SignedClaims): string {
    return jwt.sign(claims, this.privateKey, { algorithm: TOKEN_ALGORITHM, keyid: this.kid });
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
