import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2 } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Access, Principal } from './principal';

/** The security scheme of a bearer token: a staff access token or a storefront API key. */
export const STAFF_AUTH = 'bearer';
/** The security scheme with which staff log in from Swagger UI's "Authorize" dialog (OAuth 2.0 password grant). */
export const STAFF_LOGIN_AUTH = 'staffLogin';

export const ACCESS_METADATA = 'licensor:access';
export const PUBLIC_METADATA = 'licensor:public';
/** Routes a staff user whose password an admin reset may still call: the change itself, and "who am I". */
export const BEFORE_PASSWORD_CHANGE_METADATA = 'licensor:before-password-change';

/**
 * Who may call a route or every route of a controller: `@Allow('staff', 'storefront')`. `staff` includes
 * admins. A route with neither `@Allow` nor `@Public` is for admins only, so a forgotten decorator fails closed.
 * A staff user who must change their password (after an admin's reset) gets 403 PASSWORD_CHANGE_REQUIRED here.
 */
export function Allow(...access: Access[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, access),
    // Two entries, either of which will do: a bearer token, or a staff login from the Authorize dialog.
    ApiBearerAuth(STAFF_AUTH),
    ApiOAuth2([], STAFF_LOGIN_AUTH),
    // Every route: admins pass every @Allow, storefront-only routes included.
    ApiProblems('UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'),
  );
}

/**
 * `@Allow(...)` for the few routes that a staff user whose password must be changed may call: changing it, and
 * asking who they are.
 */
export function AllowBeforePasswordChange(...access: Access[]): MethodDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, access),
    SetMetadata(BEFORE_PASSWORD_CHANGE_METADATA, true),
    ApiBearerAuth(STAFF_AUTH),
    ApiOAuth2([], STAFF_LOGIN_AUTH),
    ApiProblems('UNAUTHENTICATED', 'FORBIDDEN'),
  );
}

/** A route anyone may call without credentials. */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(PUBLIC_METADATA, true);
}

/** The request's authenticated caller; only on routes that are not `@Public()`. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
