import { createHmac, generateKeyPairSync } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { AppConfig } from '../../config/app-config';
import { TOKEN_ISSUER } from './signing.rules';
import { TokenSigner } from './token-signer';

const NOW = new Date('2026-03-02T09:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const AUDIENCE = 'licensor-download';

function ecKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

function signerOf(signingKeyPem: string, verificationKeysPem: string[] = []): TokenSigner {
  return new TokenSigner({ licenseTokens: { signingKeyPem, verificationKeysPem, ttlSeconds: 60 } } as AppConfig);
}

const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: TOKEN_ISSUER,
  aud: AUDIENCE,
  sub: 'license',
  iat: NOW_SECONDS - 10,
  exp: NOW_SECONDS + 600,
  ...overrides,
});

describe('TokenSigner.sign', () => {
  it('makes the token jsonwebtoken makes: the same header and claims, an ES256 signature of the key', () => {
    const keys = ecKeys();
    const signer = signerOf(keys.privatePem);
    const token = signer.sign(claims() as never);
    const kid = signer.keySet.keys[0].kid;
    const expected = jwt.sign(claims(), keys.privatePem, { algorithm: 'ES256', keyid: kid });
    expect(token.split('.').slice(0, 2)).toEqual(expected.split('.').slice(0, 2));
    const checked = jwt.verify(token, keys.publicPem, { algorithms: ['ES256'], clockTimestamp: NOW_SECONDS });
    expect(checked).toEqual(claims());
  });
});

describe('TokenSigner.verify', () => {
  const current = ecKeys();
  const signer = signerOf(current.privatePem);

  it('accepts its own token for the audience asked, with its claims', () => {
    const token = signer.sign(claims() as never);
    expect(signer.verify(token, AUDIENCE, NOW)).toEqual({ valid: true, claims: claims() });
  });

  it('calls a good token past its exp expired, from the second of exp on', () => {
    const token = signer.sign(claims({ exp: NOW_SECONDS }) as never);
    expect(signer.verify(token, AUDIENCE, NOW)).toEqual({ valid: false, reason: 'expired' });
    expect(signer.verify(token, AUDIENCE, new Date(NOW.getTime() - 1000)).valid).toBe(true);
  });

  it.each<[string, () => string]>([
    ['another audience', () => signer.sign(claims({ aud: 'licensor-addon' }) as never)],
    ['another audience, expired too', () => signer.sign(claims({ aud: 'licensor-addon', exp: 1 }) as never)],
    ['another issuer', () => signer.sign(claims({ iss: 'someone' }) as never)],
    [
      'no exp',
      () => {
        const unlimited: Record<string, unknown> = claims();
        delete unlimited.exp;
        return signer.sign(unlimited as never);
      },
    ],
    ['a key the JWKS does not hold', () => signerOf(ecKeys().privatePem).sign(claims() as never)],
    [
      'a changed payload',
      () => {
        const [header, , signature] = signer.sign(claims() as never).split('.');
        const payload = Buffer.from(JSON.stringify(claims({ sub: 'other' }))).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'alg none',
      () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return `${header}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
      },
    ],
    [
      'HS256 keyed with the public key',
      () => {
        const kid = (jwt.decode(signer.sign(claims() as never), { complete: true }) as jwt.Jwt).header.kid;
        const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid })).toString('base64url');
        const body = `${header}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}`;
        return `${body}.${createHmac('sha256', current.publicPem).update(body).digest('base64url')}`;
      },
    ],
    ['no token at all', () => 'not-a-token'],
    ['an empty string', () => ''],
  ])('refuses %s as invalid', (_case, token) => {
    expect(signer.verify(token(), AUDIENCE, NOW)).toEqual({ valid: false, reason: 'invalid' });
  });

  it('accepts tokens of an earlier key kept in LICENSE_VERIFICATION_KEYS', () => {
    const earlier = ecKeys();
    const token = signerOf(earlier.privatePem).sign(claims() as never);
    expect(signer.verify(token, AUDIENCE, NOW).valid).toBe(false);
    expect(signerOf(current.privatePem, [earlier.publicPem]).verify(token, AUDIENCE, NOW).valid).toBe(true);
  });
});
