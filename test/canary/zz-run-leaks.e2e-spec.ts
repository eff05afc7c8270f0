import { capturedLogs, databaseDump, leaked, redisDump, secretsUsed } from '../support/canary';

/**
 * Runs last (zz-): every password, token, TOTP secret, receipt and sentinel that any test of
 * this run recorded must be absent from the logs of the whole run, the database dump and Redis.
 */
describe('nothing secret or identifying leaked during the run', () => {
  const secrets = secretsUsed();

  it('recorded the secrets the tests used', () => {
    expect(secrets.length).toBeGreaterThan(10);
  });

  it('the captured logs hold none of them', () => {
    const logs = capturedLogs();
    expect(logs.length).toBeGreaterThan(0);
    expect(leaked(logs, secrets)).toEqual([]);
  });

  it('the database dump holds none of them', () => {
    expect(leaked(databaseDump(), secrets)).toEqual([]);
  });

  it('Redis holds none of them', async () => {
    expect(leaked(await redisDump(), secrets)).toEqual([]);
  });
});

describe('the sentinel of the 500 test', () => {
  it('never reached the logs', () => {
    expect(capturedLogs()).not.toContain('Amina Haroun');
  });
});
