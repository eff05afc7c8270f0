import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuditService } from '@amani/audit';
import { DomainException, isDependencyUnavailable, ServiceUnavailableProblem } from '@amani/http';
import { AuthenticatedRequest, AuthUser } from '../auth-user';
import { ALLOW_AWAITING_APPROVAL_KEY, ALLOW_MFA_PENDING_KEY, IS_PUBLIC_KEY } from '../auth.decorators';
import { AwaitingApprovalProblem, MfaRequiredProblem, UnauthenticatedProblem } from '../auth.exceptions';
import { routeCode } from './route-code';

/**
 * Global: every route needs a valid access token unless marked @Public(). A session still
 * waiting for its second factor reaches only routes marked @AllowMfaPending(); an account
 * waiting for its four-eyes approval reaches only routes marked @AllowAwaitingApproval().
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    await super.canActivate(context);
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (req.authStage !== 'full' && !this.reflector.getAllAndOverride<boolean>(ALLOW_MFA_PENDING_KEY, targets)) {
      await this.deny(req, 'mfa_required');
      throw new MfaRequiredProblem();
    }
    if (req.accountStatus !== 'active' && !this.reflector.getAllAndOverride<boolean>(ALLOW_AWAITING_APPROVAL_KEY, targets)) {
      await this.deny(req, 'awaiting_approval');
      throw new AwaitingApprovalProblem();
    }
    return true;
  }

  private async deny(req: AuthenticatedRequest, reason: string): Promise<void> {
    const user = req.user as AuthUser;
    await this.audit.record({
      action: 'access.denied',
      outcome: 'denied',
      actorId: user.id,
      actorRole: user.role,
      agencyId: user.agencyId,
      details: { reason, route: routeCode(req) },
      requestId: typeof req.id === 'string' ? req.id : null,
    });
  }

  override handleRequest<TUser = AuthUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err instanceof DomainException) throw err;
    // "Cannot reach the database" is not "no such session": a 401 would make every client
    // discard its tokens during a database blip.
    if (isDependencyUnavailable(err)) throw new ServiceUnavailableProblem();
    if (err || !user) {
      const expired = info instanceof Error && info.name === 'TokenExpiredError';
      throw new UnauthenticatedProblem(expired ? 'token_expired' : 'unauthenticated');
    }
    return user;
  }
}
