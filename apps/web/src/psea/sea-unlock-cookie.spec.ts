import { randomBytes, randomUUID } from 'node:crypto';
import { loadSodium } from '@amani/crypto';
import { testAppConfig } from '@amani/testing/test-app-config';
import { SeaUnlockCookie } from './sea-unlock-cookie';

describe('SeaUnlockCookie', () => {
  let cookie: SeaUnlockCookie;
  const token = randomBytes(32).toString('base64url');
  const sid = randomUUID();
  const uid = randomUUID();

  beforeAll(async () => {
    cookie = new SeaUnlockCookie(await loadSodium(), testAppConfig());
  });

  it('opens what it sealed for the same auth session and user; the sealed value never holds the token', () => {
    const sealed = cookie.seal(token, sid, uid);
    expect(sealed).not.toContain(token);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(token);
    expect(cookie.open(sealed, sid, uid)).toBe(token);
    // A fresh nonce each time: two seals of one token differ.
    expect(cookie.seal(token, sid, uid)).not.toBe(sealed);
  });

  it('opens nothing for another session or user, a tampered or malformed value, or another deployment', async () => {
    const sealed = cookie.seal(token, sid, uid);
    expect(cookie.open(sealed, randomUUID(), uid)).toBeUndefined();
    expect(cookie.open(sealed, sid, randomUUID())).toBeUndefined();
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(cookie.open(raw.toString('base64url'), sid, uid)).toBeUndefined();
    expect(cookie.open(undefined, sid, uid)).toBeUndefined();
    expect(cookie.open('not a cookie!', sid, uid)).toBeUndefined();
    expect(cookie.open(sealed.slice(0, 40), sid, uid)).toBeUndefined();
    const config = testAppConfig();
    const other = new SeaUnlockCookie(await loadSodium(), { ...config, secrets: { ...config.secrets, jwtSecret: randomBytes(32) } });
    expect(other.open(sealed, sid, uid)).toBeUndefined();
  });

  it('refuses to hand back anything that is not a session key', () => {
    expect(cookie.open(cookie.seal('short', sid, uid), sid, uid)).toBeUndefined();
  });
});
