import { Test } from '@nestjs/testing';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig } from '@amani/config';
import { configureWeb } from '../../apps/web/src/configure-web';
import { WebModule } from '../../apps/web/src/web.module';
import type { TestApp } from './app';
import { rememberSecret } from './canary';
import { freshTotpCode } from './users';

/** Boots the real staff console module against this run's database and Redis prefix. */
export async function createTestWeb(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ ...process.env, ...env });
  const moduleRef = await Test.createTestingModule({ imports: [WebModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true });
  configureWeb(app, config);
  await app.init();
  return { app, config, http: () => request(app.getHttpServer()), close: () => app.close() };
}

export const SESSION = '__Host-amani-session';
export const PRE = '__Host-amani-pre';

/** The value of a cookie set by a response, or undefined. */
export function cookieFrom(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const set = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const line = set.find((c) => c.startsWith(`${name}=`));
  const value = line?.slice(name.length + 1).split(';')[0];
  return value || undefined;
}

export function setCookieLine(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  return ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
}

/** The synchronizer token of the first form on a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

export const KEYS = '__Host-amani-keys';

export interface WebUser {
  cookie: string;
  csrf: string;
  /** The sealed `__Host-amani-keys` cookie (the session's unlock of the agency key), for staff who hold one. */
  keys?: string;
}

/** The Cookie header a signed-in browser sends: its session cookie, and its agency-key unlock cookie if it has one. */
export function cookieHeader(user: { cookie: string; keys?: string }, ...more: string[]): string {
  return [`${SESSION}=${user.cookie}`, ...(user.keys ? [`${KEYS}=${user.keys}`] : []), ...more].join('; ');
}

/** Signs in through the console's own pages: password, then a TOTP code. */
export async function webSignIn(web: TestApp, creds: { email: string; password: string; totpSecret: string | null }): Promise<WebUser> {
  const form = await web.http().get('/sign-in');
  const pre = cookieFrom(form, PRE)!;
  const first = await web
    .http()
    .post('/sign-in')
    .set('Cookie', `${PRE}=${pre}`)
    .type('form')
    .send({ _csrf: csrfOf(form.text), email: creds.email, password: creds.password, lang: 'en' });
  if (first.status !== 303) throw new Error(`sign-in refused: ${first.status}`);
  let cookie = cookieFrom(first, SESSION)!;
  rememberSecret(cookie);
  const keys = cookieFrom(first, KEYS);
  if (keys) rememberSecret(keys);
  const codePage = await web.http().get('/sign-in/code').set('Cookie', `${SESSION}=${cookie}`);
  if (!creds.totpSecret) throw new Error('this helper needs an enrolled user');
  const verify = await web
    .http()
    .post('/sign-in/code')
    .set('Cookie', `${SESSION}=${cookie}`)
    .type('form')
    .send({ _csrf: csrfOf(codePage.text), code: await freshTotpCode(creds.totpSecret) });
  if (verify.status !== 303) throw new Error(`code refused: ${verify.status}`);
  cookie = cookieFrom(verify, SESSION)!;
  rememberSecret(cookie);
  const home = await web.http().get('/').set('Cookie', cookieHeader({ cookie, keys }));
  if (home.status !== 200) throw new Error(`home after sign-in: ${home.status}`);
  return { cookie, csrf: csrfOf(home.text), ...(keys ? { keys } : {}) };
}

/** Requests carrying one signed-in browser's cookie. */
export function browserOf(web: TestApp, user: WebUser) {
  return {
    get: (url: string) => web.http().get(url).set('Cookie', cookieHeader(user)),
    post: (url: string, body: Record<string, string> = {}, opts: { csrf?: string | null } = {}) => {
      const csrf = opts.csrf === undefined ? user.csrf : opts.csrf;
      return web
        .http()
        .post(url)
        .set('Cookie', cookieHeader(user))
        .type('form')
        .send({ ...(csrf === null ? {} : { _csrf: csrf }), ...body });
    },
  };
}
