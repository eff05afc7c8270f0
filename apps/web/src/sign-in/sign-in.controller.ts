import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { AuditService } from '@amani/audit';
import { AccessClaims, InvalidCredentialsProblem, InvalidInvitationProblem, InvalidMfaCodeProblem, InvitationsService, LoginService, MfaService, PasswordPolicyProblem, SessionService } from '@amani/auth';
import { StrictThrottle } from '@amani/http';
import { AnyonePage, MfaPendingPage, Session } from '../common/decorators';
import { actorOf, requestIdOf } from '../common/page-helpers';
import { RedirectTo } from '../common/page-errors';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import { WebLanguage, webLanguage } from '../i18n';
import { PENDING_COOKIE } from '../session/pending-form.service';
import { PRE_SESSION_COOKIE, SESSION_COOKIE, WebSession, WebSessionService } from '../session/web-session.service';
import { neutralPage } from '../views/messages';
import { pageContext } from '../views/page';
import { SeaUnlockCookie } from '../psea/sea-unlock-cookie';
import { awaitingApprovalPage, codePage, enrolPage, enrolStartPage, InvitationErrors, invitationPage, signInPage } from '../views/sign-in';
import { KeysUnlockCookie } from '../session/keys-unlock-cookie';

type Form = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** __Host- cookies: Secure, Path=/, no Domain; HttpOnly and SameSite=Strict; gone when the browser closes. */
function setCookie(res: Response, name: string, value: string): void {
  res.cookie(name, value, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}
function clearCookie(res: Response, name: string): void {
  res.clearCookie(name, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}

/**
 * Sign-in (password, then TOTP, enrolling it on first use), sign-out and "leave quickly",
 * all through the API's own login, MFA and session services: the same lockout, audit,
 * revocation and stages. Every answer to a wrong password, an unknown, locked or disabled
 * account is the same page.
 */
@Controller()
export class SignInController {
  constructor(
    private readonly login: LoginService,
    private readonly mfa: MfaService,
    private readonly sessions: SessionService,
    private readonly webSessions: WebSessionService,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly invitations: InvitationsService,
    private readonly seaCookie: SeaUnlockCookie,
    private readonly keysCookie: KeysUnlockCookie,
  ) {}

  @Get('sign-in')
  @AnyonePage()
  form(@Req() req: WebRequest, @Res() res: Response, @Query('lang') langParam: unknown, @Query('expired') expired: unknown, @Query('out') out: unknown, @Query('kept') kept: unknown, @Query('welcome') welcome: unknown): void {
    if (req.webSession?.stage === 'full') return seeOther(res, '/');
    if (req.webSession) return seeOther(res, '/sign-in/code');
    const lang = webLanguage(langParam) ?? 'en';
    const ctx = pageContext(lang, null);
    const csrf = this.preSessionToken(req, res);
    const notice = welcome !== undefined ? ctx.t('invitation.welcome') : out !== undefined ? ctx.t('signIn.signedOut') : expired !== undefined ? ctx.t(kept !== undefined ? 'signIn.expiredKept' : 'signIn.expired') : undefined;
    sendPage(res, 200, signInPage(ctx, { csrf, notice }));
  }

  @Post('sign-in')
  @AnyonePage()
  @StrictThrottle('auth')
  async submit(@Req() req: WebRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const lang = webLanguage(body.lang) ?? 'en';
    const email = str(body.email).slice(0, 254);
    const password = str(body.password).slice(0, 1024);
    const ctx = pageContext(lang, null);
    const failed = () => sendPage(res, 401, signInPage(ctx, { csrf: this.preSessionToken(req, res), email, error: ctx.t('signIn.failed') }));
    if (!email || !password) return failed();
    let result;
    try {
      result = await this.login.login(email, password, requestIdOf(req));
    } catch (e) {
      if (e instanceof InvalidCredentialsProblem) return failed();
      throw e;
    }
    const { sub, sid } = this.jwt.decode<AccessClaims>(result.accessToken);
    if (req.webSession) await this.webSessions.end(req.webSession);
    const token = await this.webSessions.create(sid, sub, lang);
    clearCookie(res, PRE_SESSION_COOKIE);
    setCookie(res, SESSION_COOKIE, token);
    // A focal point's complaint key, unlocked by the login hook for this auth session: the client's half, sealed (never in clear).
    const sea = result.sessionSecrets?.sea;
    if (sea) this.seaCookie.set(res, sea, sid, sub);
    else this.seaCookie.clear(res);
    // A caseworker's, supervisor's or provider's personal key, unlocked for this auth session (opens the agency key).
    const keys = result.sessionSecrets?.keys;
    if (keys) this.keysCookie.set(res, keys, sid, sub);
    else this.keysCookie.clear(res);
    seeOther(res, result.mfa ? '/sign-in/code' : afterSignIn(req));
  }

  @Get('sign-in/code')
  @MfaPendingPage()
  code(@Session() session: WebSession, @Res() res: Response): void {
    if (session.stage === 'full') return seeOther(res, '/');
    const ctx = pageContext(session.lang, session);
    sendPage(res, 200, session.mfaEnrolled ? codePage(ctx, {}) : enrolStartPage(ctx, {}));
  }

  @Post('sign-in/enrol')
  @MfaPendingPage()
  @StrictThrottle('auth')
  async enrol(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    if (session.stage === 'full' || session.mfaEnrolled) return seeOther(res, '/sign-in/code');
    const enrolment = await this.mfa.enrol(actorOf(session), requestIdOf(req));
    sendPage(res, 200, enrolPage(pageContext(session.lang, session), enrolment));
  }

  @Post('sign-in/code')
  @MfaPendingPage()
  @StrictThrottle('auth')
  async verify(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: Form, @Res() res: Response): Promise<void> {
    if (session.stage === 'full') return seeOther(res, '/');
    const ctx = pageContext(session.lang, session);
    const code = str(body.code).replace(/\s+/g, '');
    const wrong = () => sendPage(res, 401, session.mfaEnrolled ? codePage(ctx, { error: ctx.t('signIn.codeFailed') }) : enrolStartPage(ctx, { error: ctx.t('signIn.codeFailed') }));
    if (!/^\d{6}$/.test(code)) return wrong();
    try {
      await this.mfa.verify(actorOf(session), code, requestIdOf(req));
    } catch (e) {
      if (e instanceof InvalidMfaCodeProblem) return wrong();
      throw e;
    }
    setCookie(res, SESSION_COOKIE, await this.webSessions.rotate(session));
    seeOther(res, afterSignIn(req));
  }

  @Get('invitation')
  @AnyonePage()
  invitation(@Req() req: WebRequest, @Res() res: Response, @Query('lang') langParam: unknown): void {
    if (req.webSession) return seeOther(res, '/');
    const ctx = pageContext(webLanguage(langParam) ?? 'en', null);
    sendPage(res, 200, invitationPage(ctx, { csrf: this.preSessionToken(req, res), errors: {} }));
  }

  /**
   * Accepting an invitation: the code and the new password go to the API's own invitation
   * service (single use, expiry, password policy, audit). An unknown, used or expired code
   * gets one message; the account then signs in and enrols its second factor as usual.
   */
  @Post('invitation')
  @AnyonePage()
  @StrictThrottle('auth')
  async acceptInvitation(@Req() req: WebRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const lang = webLanguage(body.lang) ?? 'en';
    const ctx = pageContext(lang, null);
    const { t } = ctx;
    const token = str(body.token).trim().slice(0, 200);
    const password = str(body.password).slice(0, 1024);
    const confirm = str(body.confirm).slice(0, 1024);
    const errors: InvitationErrors = {};
    if (!token) errors.token = t('common.fieldRequired');
    if (!password) errors.password = t('common.fieldRequired');
    else if (password !== confirm) errors.confirm = t('invitation.mismatch');
    const again = (status: number) => sendPage(res, status, invitationPage(ctx, { csrf: this.preSessionToken(req, res), errors }));
    if (Object.keys(errors).length) return again(400);
    try {
      await this.invitations.accept(token, password, requestIdOf(req));
    } catch (e) {
      if (e instanceof InvalidInvitationProblem) {
        errors.form = t('invitation.invalid');
        return again(422);
      }
      if (e instanceof PasswordPolicyProblem) {
        errors.password = t('invitation.weak');
        return again(400);
      }
      throw e;
    }
    seeOther(res, `/sign-in?welcome=1&lang=${lang}`);
  }

  @Get('awaiting-approval')
  @MfaPendingPage()
  awaiting(@Session() session: WebSession, @Res() res: Response): void {
    if (session.stage !== 'full') return seeOther(res, '/sign-in/code');
    if (!session.awaitingApproval) return seeOther(res, '/');
    sendPage(res, 200, awaitingApprovalPage(pageContext(session.lang, session)));
  }

  @Post('sign-out')
  @MfaPendingPage()
  async signOut(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    await this.end(req, session, res);
    seeOther(res, `/sign-in?out=1&lang=${session.lang}`);
  }

  /** "Leave quickly": ends the session like sign-out, asks the browser to forget this site, and shows a page that names nothing. */
  @Post('leave')
  @MfaPendingPage()
  async leave(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    await this.end(req, session, res);
    seeOther(res, `/bye?lang=${session.lang}`);
  }

  @Get('bye')
  @AnyonePage()
  bye(@Query('lang') lang: unknown, @Res() res: Response): void {
    sendPage(res, 200, neutralPage(webLanguage(lang) ?? 'en'));
  }

  @Post('language')
  async language(@Session() session: WebSession, @Body() body: Form, @Res() res: Response): Promise<void> {
    const lang: WebLanguage | null = webLanguage(body.lang);
    if (!lang) throw new RedirectTo('/');
    await this.webSessions.setLanguage(session, lang);
    seeOther(res, '/');
  }

  private async end(req: WebRequest, session: WebSession, res: Response): Promise<void> {
    await this.sessions.revoke(session.sessionId, 'logout');
    await this.webSessions.end(session);
    await this.audit.record({
      action: 'auth.logout',
      outcome: 'success',
      actorId: session.userId,
      actorRole: session.role,
      agencyId: session.agencyId,
      targetType: 'session',
      targetId: session.sessionId,
      details: { via: 'console' },
      requestId: requestIdOf(req),
    });
    clearCookie(res, SESSION_COOKIE);
    this.seaCookie.clear(res);
    this.keysCookie.clear(res);
    res.setHeader('Clear-Site-Data', '"cache", "cookies", "storage"');
  }

  /** The sign-in form's double-submit token, kept in its own cookie until sign-in. */
  private preSessionToken(req: WebRequest, res: Response): string {
    const existing = req.cookies[PRE_SESSION_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const token = randomBytes(32).toString('base64url');
    setCookie(res, PRE_SESSION_COOKIE, token);
    return token;
  }
}

/** Home, or the form that was kept when the last session ended (it comes back at /resume). */
function afterSignIn(req: WebRequest): string {
  return req.cookies[PENDING_COOKIE] ? '/resume' : '/';
}
