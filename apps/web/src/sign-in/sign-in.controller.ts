import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { AuditService } from '@amani/audit';
import { AccessClaims, InvalidCredentialsProblem, InvalidMfaCodeProblem, LoginService, MfaService, SessionService } from '@amani/auth';
import { StrictThrottle } from '@amani/http';
import { AnyonePage, MfaPendingPage, Session } from '../common/decorators';
import { actorOf, requestIdOf } from '../common/page-helpers';
import { RedirectTo } from '../common/page-errors';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import { WebLanguage, webLanguage } from '../i18n';
import { PRE_SESSION_COOKIE, SESSION_COOKIE, WebSession, WebSessionService } from '../session/web-session.service';
import { neutralPage } from '../views/messages';
import { pageContext } from '../views/page';
import { codePage, enrolPage, enrolStartPage, signInPage } from '../views/sign-in';

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
  ) {}

  @Get('sign-in')
  @AnyonePage()
  form(@Req() req: WebRequest, @Res() res: Response, @Query('lang') langParam: unknown, @Query('expired') expired: unknown, @Query('out') out: unknown): void {
    if (req.webSession?.stage === 'full') return seeOther(res, '/');
    if (req.webSession) return seeOther(res, '/sign-in/code');
    const lang = webLanguage(langParam) ?? 'en';
    const ctx = pageContext(lang, null);
    const csrf = this.preSessionToken(req, res);
    const notice = out !== undefined ? ctx.t('signIn.signedOut') : expired !== undefined ? ctx.t('signIn.expired') : undefined;
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
    seeOther(res, result.mfa ? '/sign-in/code' : '/');
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
    seeOther(res, '/');
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
