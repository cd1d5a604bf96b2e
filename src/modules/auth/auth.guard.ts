import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../../common/errors/domain-error';
import { ACCESS_METADATA, BEFORE_PASSWORD_CHANGE_METADATA, PUBLIC_METADATA } from './access.decorators';
import { ApiClientsService } from './api-clients.service';
import { looksLikeApiKey } from './api-key';
import { Access, isAllowed, Principal } from './principal';
import { StaffTokenService } from './staff-token.service';
import { StaffUsersService } from './staff-users.service';

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Runs before every route: 401 when the caller did not prove who it is, 403 when it did but the route is
 * not for it. Routes say who may call them with `@Allow(...)`; without it only admins may. A staff token is
 * checked against its account on every request (one read of the primary key): a disabled account, or a token
 * issued before the password changed, is 401 at once, and the role is the account's, not the token's.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly staffTokens: StaffTokenService,
    private readonly staffUsers: StaffUsersService,
    private readonly apiClients: ApiClientsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request.headers.authorization);
    if (principal === undefined) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'Send a valid staff access token or storefront API key as "Authorization: Bearer <token>".',
      );
    }
    const allowed = this.reflector.getAllAndOverride<Access[] | undefined>(ACCESS_METADATA, targets) ?? ['admin'];
    if (!isAllowed(principal, allowed)) {
      throw new DomainError('FORBIDDEN', `This operation is for: ${allowed.join(', ')}.`);
    }
    if (
      principal.kind === 'staff' &&
      principal.passwordChangeRequired &&
      !this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE_METADATA, targets)
    ) {
      throw new DomainError(
        'PASSWORD_CHANGE_REQUIRED',
        'An admin reset your password: choose your own with POST /v1/staff-users/me/password first.',
      );
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(header: string | string[] | undefined): Promise<Principal | undefined> {
    if (typeof header !== 'string') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) return undefined;
    const token = match[1];
    if (looksLikeApiKey(token)) return this.apiClients.authenticate(token);
    const claims = this.staffTokens.verify(token);
    return claims === undefined ? undefined : this.staffUsers.authenticate(claims);
  }
}
