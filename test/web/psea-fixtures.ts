import type { TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { CreatedUser, enrolMfaDirectly, freshTotpCode } from '../support/users';
import { cookieFrom, csrfOf, PRE, SESSION } from '../support/web';

/** The console's cookie holding a focal point's sealed session key. */
export const SEA = '__Host-amani-sea';

export interface WebFocalPoint {
  session: string;
  /** The sealed session key cookie (absent when the user has no key). */
  sea: string | undefined;
  csrf: string;
  /** Cookie header for both. */
  cookie: string;
}

/** A TOTP code for the account, re-enrolling its second factor when both usable steps of the period are spent. */
export async function codeFor(t: TestApp, u: CreatedUser): Promise<string> {
  try {
    return await freshTotpCode(u.totpSecret!);
  } catch {
    u.totpSecret = await enrolMfaDirectly(t, u.user.id);
    return freshTotpCode(u.totpSecret);
  }
}

/** Signs in through the console's pages (password, then TOTP), keeping the session and SEA cookies. */
export async function webSignInKeepingSea(api: TestApp, web: TestApp, u: CreatedUser): Promise<WebFocalPoint & { signInSetCookie: string[] }> {
  const form = await web.http().get('/sign-in');
  const first = await web
    .http()
    .post('/sign-in')
    .set('Cookie', `${PRE}=${cookieFrom(form, PRE)!}`)
    .type('form')
    .send({ _csrf: csrfOf(form.text), email: u.email, password: u.password, lang: 'en' });
  if (first.status !== 303) throw new Error(`sign-in refused: ${first.status}`);
  const pending = cookieFrom(first, SESSION)!;
  const sea = cookieFrom(first, SEA);
  rememberSecret(pending);
  if (sea) rememberSecret(sea);
  const page = await web.http().get('/sign-in/code').set('Cookie', `${SESSION}=${pending}`);
  const ok = await web
    .http()
    .post('/sign-in/code')
    .set('Cookie', `${SESSION}=${pending}`)
    .type('form')
    .send({ _csrf: csrfOf(page.text), code: await codeFor(api, u) });
  if (ok.status !== 303) throw new Error(`code refused: ${ok.status}`);
  const session = cookieFrom(ok, SESSION)!;
  rememberSecret(session);
  const cookie = `${SESSION}=${session}${sea ? `; ${SEA}=${sea}` : ''}`;
  const home = await web.http().get('/').set('Cookie', cookie);
  return { session, sea, csrf: csrfOf(home.text), cookie, signInSetCookie: (first.headers['set-cookie'] as unknown as string[]) ?? [] };
}

/** Requests with a given cookie header and form token. */
export function consoleAs(web: TestApp, who: { cookie: string; csrf: string }) {
  return {
    get: (url: string) => web.http().get(url).set('Cookie', who.cookie),
    post: (url: string, body: Record<string, string> = {}, opts: { csrf?: string | null } = {}) => {
      const csrf = opts.csrf === undefined ? who.csrf : opts.csrf;
      return web
        .http()
        .post(url)
        .set('Cookie', who.cookie)
        .type('form')
        .send({ ...(csrf === null ? {} : { _csrf: csrf }), ...body });
    },
  };
}
