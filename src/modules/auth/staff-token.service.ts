import { Inject, Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { Clock } from '../../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { STAFF_ROLES, StaffRole, StaffUserEntity } from './staff-user.entity';

const ALGORITHM = 'HS256';
const ISSUER = 'licensor';
const AUDIENCE = 'licensor-staff';
/** The largest `token_version` the integer column holds. */
const MAX_TOKEN_VERSION = 2_147_483_647;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface StaffClaims {
  sub: string;
  email: string;
  role: StaffRole;
  /** The account's token version when the token was issued; see StaffUserEntity.tokenVersion. */
  ver: number;
  exp: number;
}

/** What a genuine, unexpired token says; whether its account may still use it is the database's to say. */
export interface StaffTokenClaims {
  userId: string;
  tokenVersion: number;
}

/** Short-lived staff access tokens: HS256 only, so `alg: none` and algorithm confusion are refused. */
@Injectable()
export class StaffTokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  get expiresInSeconds(): number {
    return this.config.auth.jwtExpiresInSeconds;
  }

  issue(user: Pick<StaffUserEntity, 'id' | 'email' | 'role' | 'tokenVersion'>): string {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const claims: StaffClaims = {
      sub: user.id,
      email: user.email,
      role: user.role,
      ver: user.tokenVersion,
      exp: issuedAt + this.expiresInSeconds,
    };
    return jwt.sign({ ...claims, iat: issuedAt }, this.config.auth.jwtSecret, {
      algorithm: ALGORITHM,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
  }

  /**
   * The account and token version a token names, or undefined when it is expired, tampered, not ours, or lacks an
   * expiry or a version. The role and e-mail it carries are not trusted: they are read from the account.
   */
  verify(token: string): StaffTokenClaims | undefined {
    try {
      const claims = jwt.verify(token, this.config.auth.jwtSecret, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
      if (typeof claims === 'string' || !isStaffClaims(claims)) return undefined;
      return { userId: claims.sub, tokenVersion: claims.ver };
    } catch {
      return undefined;
    }
  }
}

/** A token without `exp` would never expire: it is refused, as is one without the account's version. */
function isStaffClaims(claims: jwt.JwtPayload): claims is jwt.JwtPayload & StaffClaims {
  return (
    typeof claims.sub === 'string' &&
    UUID.test(claims.sub) &&
    typeof claims.email === 'string' &&
    STAFF_ROLES.includes(claims.role as StaffRole) &&
    Number.isInteger(claims.ver) &&
    (claims.ver as number) >= 0 &&
    (claims.ver as number) <= MAX_TOKEN_VERSION &&
    typeof claims.exp === 'number' &&
    Number.isFinite(claims.exp)
  );
}
