import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../../common/errors/domain-error';
import { ACCESS_METADATA, PUBLIC_METADATA } from './access.decorators';
import { ApiClientsService } from './api-clients.service';
import { looksLikeApiKey } from './api-key';
import { Access, isAllowed, Principal } from './principal';
import { StaffTokenService } from './staff-token.service';

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Runs before every route: 401 when the caller did not prove who it is, 403 when it did but the route is
 * not for it. Routes say who may call them with `@Allow(...)`; without it only admins may.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly staffTokens: StaffTokenService,
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
    request.principal = principal;
    return true;
  }

  private async authenticate(header: string | string[] | undefined): Promise<Principal | undefined> {
    if (typeof header !== 'string') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) return undefined;
    const token = match[1];
    return looksLikeApiKey(token) ? this.apiClients.authenticate(token) : this.staffTokens.verify(token);
  }
}
