import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@amani/auth';
import type { WebSession } from '../session/web-session.service';
import type { WebRequest } from './web-request';

export const PAGE_ACCESS = 'amani:web:access';
export const PAGE_ROLES = 'amani:web:roles';

/** Who reaches a page: anyone (sign-in), a session still owing its second factor, or (default) a full session. */
export type PageAccess = 'anyone' | 'mfa_pending';

export const AnyonePage = () => SetMetadata(PAGE_ACCESS, 'anyone' satisfies PageAccess);
export const MfaPendingPage = () => SetMetadata(PAGE_ACCESS, 'mfa_pending' satisfies PageAccess);
export const PageRoles = (...roles: Role[]) => SetMetadata(PAGE_ROLES, roles);

/** The signed-in session (the guard guarantees one outside `AnyonePage`). */
export const Session = createParamDecorator((_: unknown, ctx: ExecutionContext): WebSession => {
  const session = ctx.switchToHttp().getRequest<WebRequest>().webSession;
  if (!session) throw new Error('no session on a page that needs one');
  return session;
});
