import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditService } from '@amani/audit';
import type { Role } from '@amani/auth';
import { AuthenticatedRequest } from '../auth-user';
import { IS_PUBLIC_KEY, ROLES_KEY } from '../auth.decorators';
import { ForbiddenProblem, UnauthenticatedProblem } from '../auth.exceptions';
import { routeCode } from './route-code';

/** Global: routes with @Roles(...) refuse every other role with an audited 403. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = req.user;
    if (!user) throw new UnauthenticatedProblem();
    if (!roles || roles.includes(user.role)) return true;
    await this.audit.record({
      action: 'access.denied',
      outcome: 'denied',
      actorId: user.id,
      actorRole: user.role,
      agencyId: user.agencyId,
      details: { reason: 'role', route: routeCode(req) },
      requestId: typeof req.id === 'string' ? req.id : null,
    });
    throw new ForbiddenProblem();
  }
}
