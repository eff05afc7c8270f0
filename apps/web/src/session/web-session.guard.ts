import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Keyring, type Role } from '@amani/auth';
import { PAGE_ACCESS, PAGE_ROLES, PageAccess } from '../common/decorators';
import { PageForbidden, RedirectTo, RequestRefused } from '../common/page-errors';
import { parseCookies, WebRequest } from '../common/web-request';
import type { Response } from 'express';
import { webLanguage } from '../i18n';
import { KEYS_UNLOCK_COOKIE, KeysUnlockCookie } from './keys-unlock-cookie';
import { resumable } from './resumable';
import { PENDING_COOKIE, PENDING_TTL_SECONDS, PendingFormService } from './pending-form.service';
import { PRE_SESSION_COOKIE, sameSecret, SESSION_COOKIE, WebSessionService } from './web-session.service';

/**
 * Every console route: resolves the session cookie, sends anyone without a live session
 * to sign-in, keeps a session owing its second factor on the code page, checks the role,
 * and checks the synchronizer token of every form post (the sign-in form's own
 * double-submit token before a session exists). The Origin check runs before this, in
 * configureWeb, for every post.
 */
@Injectable()
export class WebSessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: WebSessionService,
    private readonly pending: PendingFormService,
    private readonly keyring: Keyring,
    private readonly keysCookie: KeysUnlockCookie,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<WebRequest>();
    req.cookies = parseCookies(req.headers.cookie);
    const access = this.reflector.getAllAndOverride<PageAccess | undefined>(PAGE_ACCESS, [ctx.getHandler(), ctx.getClass()]);
    const session = await this.sessions.resolve(req.cookies[SESSION_COOKIE]);
    if (session) req.webSession = session;
    // The client's half of the session's unlock (sealed cookie): what lets this request open the agency key.
    if (session?.stage === 'full') {
      this.keyring.present(session.sessionId, session.userId, this.keysCookie.open(req.cookies[KEYS_UNLOCK_COOKIE], session.sessionId, session.userId));
    }
    const isPost = req.method === 'POST';
    const body = (req.body ?? {}) as Record<string, unknown>;
    const formToken = typeof body._csrf === 'string' ? body._csrf : '';

    if (access === 'anyone') {
      if (isPost) {
        const expected = session?.csrf ?? req.cookies[PRE_SESSION_COOKIE];
        if (!expected || !sameSecret(formToken, expected)) throw new RequestRefused();
      }
      return true;
    }
    if (!session) {
      // A form sent into an ended session (idle, expired, revoked): kept for its owner to sign in again, never put in the URL.
      const owner = isPost && resumable(req.path) ? await this.pending.ownerOf(req.cookies[SESSION_COOKIE]) : null;
      if (owner) {
        const handle = await this.pending.keep(owner.uid, req.path, body);
        ctx.switchToHttp().getResponse<Response>().cookie(PENDING_COOKIE, handle, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: PENDING_TTL_SECONDS * 1000 });
        throw new RedirectTo(`/sign-in?expired=1&kept=1&lang=${webLanguage(owner.lang) ?? 'en'}`);
      }
      throw new RedirectTo('/sign-in?expired=1');
    }
    if (isPost && !sameSecret(formToken, session.csrf)) throw new RequestRefused();
    if (session.stage !== 'full') {
      if (access === 'mfa_pending') return true;
      throw new RedirectTo('/sign-in/code');
    }
    if (session.awaitingApproval && access !== 'mfa_pending') throw new RedirectTo('/awaiting-approval');
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(PAGE_ROLES, [ctx.getHandler(), ctx.getClass()]);
    if (roles && !roles.includes(session.role)) throw new PageForbidden();
    return true;
  }
}
