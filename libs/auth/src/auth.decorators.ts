import { createParamDecorator, ExecutionContext, SetMetadata, UnauthorizedException } from '@nestjs/common';
import type { Role } from './roles';
import type { AuthenticatedRequest, AuthUser } from './auth-user';

export const IS_PUBLIC_KEY = 'amani:public';
export const ALLOW_MFA_PENDING_KEY = 'amani:allow-mfa-pending';
export const ROLES_KEY = 'amani:roles';
export const ALLOW_AWAITING_APPROVAL_KEY = 'amani:allow-awaiting-approval';

/** The route needs no access token (it should also carry a strict throttle). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** The route is reachable by a session that has given its password but not yet its second factor. */
export const AllowMfaPending = () => SetMetadata(ALLOW_MFA_PENDING_KEY, true);

/**
 * The route is reachable by an account that accepted its invitation but is not yet approved
 * (its own profile, logout, second-factor enrolment). Every other route refuses it with 403.
 */
export const AllowAwaitingApproval = () => SetMetadata(ALLOW_AWAITING_APPROVAL_KEY, true);

/** Only these roles may call the route (method-level metadata overrides class-level). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated caller. Throws on a route without authentication (a programming error). */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new UnauthorizedException();
  return user;
});

/**
 * A parameter decorator that gives the handler its actor (immich's `@Auth()`): the authenticated
 * caller and the request's correlation id, mapped by `toActor` (which refuses a role the route's
 * domain does not serve). Each app declares its own, e.g. `CaseAuth = actorParam(toCaseActor)`.
 */
export function actorParam<A>(toActor: (user: AuthUser, requestId: string | null) => A): () => ParameterDecorator {
  return createParamDecorator((_data: unknown, ctx: ExecutionContext): A => {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!req.user) throw new UnauthorizedException();
    return toActor(req.user, typeof req.id === 'string' ? req.id : null);
  });
}

/** The request's correlation id (set by the logger middleware), for audit events. */
export const RequestId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | undefined => {
  const id = ctx.switchToHttp().getRequest<AuthenticatedRequest>().id;
  return typeof id === 'string' ? id : undefined;
});
