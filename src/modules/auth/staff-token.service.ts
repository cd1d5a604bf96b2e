import { Inject, Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { Clock } from '../../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Principal } from './principal';
import { STAFF_ROLES, StaffRole, StaffUserEntity } from './staff-user.entity';

const ALGORITHM = 'HS256';
const ISSUER = 'licensor';
const AUDIENCE = 'licensor-staff';

interface StaffClaims {
  sub: string;
  email: string;
  role: StaffRole;
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

  issue(user: Pick<StaffUserEntity, 'id' | 'email' | 'role'>): string {
    const claims: StaffClaims = { sub: user.id, email: user.email, role: user.role };
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    return jwt.sign({ ...claims, iat: issuedAt, exp: issuedAt + this.expiresInSeconds }, this.config.auth.jwtSecret, {
      algorithm: ALGORITHM,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
  }

  /** The staff member a token stands for, or undefined when it is expired, tampered or not ours. */
  verify(token: string): Extract<Principal, { kind: 'staff' }> | undefined {
    try {
      const claims = jwt.verify(token, this.config.auth.jwtSecret, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
      if (typeof claims === 'string' || !isStaffClaims(claims)) return undefined;
      return { kind: 'staff', userId: claims.sub, email: claims.email, role: claims.role };
    } catch {
      return undefined;
    }
  }
}

function isStaffClaims(claims: jwt.JwtPayload): claims is jwt.JwtPayload & StaffClaims {
  return (
    typeof claims.sub === 'string' && typeof claims.email === 'string' && STAFF_ROLES.includes(claims.role as StaffRole)
  );
}
