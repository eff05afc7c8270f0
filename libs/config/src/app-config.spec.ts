import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, EnvVars, generateSecretsDocument, loadConfig } from '.';

const secrets = () => Object.fromEntries(Object.entries(generateSecretsDocument()).map(([k, v]) => [k, String(v)]));

describe('loadConfig', () => {
  it('builds a typed config from defaults and secrets', () => {
    const config = loadConfig({ NODE_ENV: 'production', ...secrets() });
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toMatch(/^postgres:\/\//);
    expect(config.secrets.masterKeys.get(1)).toHaveLength(32);
    expect(config.isProduction).toBe(true);
  });

  it('names every malformed variable', () => {
    try {
      loadConfig({ NODE_ENV: 'production', ...secrets(), PORT: 'eighty', REDIS_URL: 'http://x' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).message).toContain('PORT');
      expect((e as ConfigError).message).toContain('REDIS_URL');
    }
  });

  it('refuses to start in production without secrets, naming them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: missing[\s\S]*MASTER_KEYS: missing/);
  });

  it('refuses two keys that must differ being equal', () => {
    const s = secrets();
    expect(() => loadConfig({ NODE_ENV: 'production', ...s, TRACKER_KEY: s.JWT_SECRET })).toThrow(
      /JWT_SECRET and TRACKER_KEY must differ/,
    );
  });

  it('refuses a current master key version that does not exist', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets(), MASTER_KEY_CURRENT: '2' })).toThrow(
      /MASTER_KEY_CURRENT/,
    );
  });

  it('TRUST_PROXY: not trusted by default; a hop count or a list of proxies; never true', () => {
    const trust = (v?: string) => loadConfig({ NODE_ENV: 'production', ...secrets(), ...(v === undefined ? {} : { TRUST_PROXY: v }) }).http.trustProxy;
    expect(trust()).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('10.0.0.0/8, 192.168.1.4,2001:db8::/32')).toEqual(['10.0.0.0/8', '192.168.1.4', '2001:db8::/32']);
    expect(trust('loopback')).toEqual(['loopback']);
    for (const bad of ['true', 'yes', '11', '10.0.0.0/33', '2001:db8::/129', '10.0.0.300', '10.0.0.0/8,', 'example.org']) {
      expect(() => trust(bad)).toThrow(/TRUST_PROXY: must be false, a hop count/);
    }
  });

  it('retention: closed cases kept unless set, SEA complaints by status, 0 keeps, warning 30 days by default', () => {
    const retention = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'production', ...secrets(), ...env }).retention;
    expect(retention()).toEqual({ warningDays: 30, caseClosedDays: null, sea: { received: 730, assessment: 730, referred_for_investigation: 1825, closed: 365 } });
    expect(retention({ RETENTION_CASE_CLOSED_DAYS: '1825', RETENTION_SEA_CLOSED_DAYS: '0', RETENTION_WARNING_DAYS: '0' })).toMatchObject({
      warningDays: 0,
      caseClosedDays: 1825,
      sea: { closed: null },
    });
    expect(() => retention({ RETENTION_CASE_CLOSED_DAYS: '-1' })).toThrow(/RETENTION_CASE_CLOSED_DAYS/);
    expect(() => retention({ RETENTION_WARNING_DAYS: 'soon' })).toThrow(/RETENTION_WARNING_DAYS/);
  });

  it('.env.example documents every variable', () => {
    const example = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    const vars = Object.keys(new EnvVars()).concat(['SECRETS_FILE', 'JWT_SECRET', 'MASTER_KEYS', 'MASTER_KEY_CURRENT', 'BLIND_INDEX_KEY', 'BLIND_INDEX_KEY_CURRENT', 'AUDIT_SIGNING_KEY', 'AUDIT_SIGNING_KEY_CURRENT', 'AUDIT_PUBLIC_KEYS', 'TRACKER_KEY', 'RECEIPT_PEPPER', 'PASSWORD_PEPPER', 'LOG_FILE']);
    for (const v of vars) expect(documented).toContain(v);
  });
});
