import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addKeyVersion, assertFromFile, ConfigError, generateSecretsDocument, loadSecrets, parseVersioned, removeKeyVersion } from '.';

const b = () => randomBytes(32).toString('base64');
const doc = () => Object.fromEntries(Object.entries(generateSecretsDocument()).map(([k, v]) => [k, String(v)]));
const load = (over: Record<string, string | undefined>) => loadSecrets({ ...doc(), ...over }, 'production');

describe('versioned secrets', () => {
  it('reads a bare AUDIT_SIGNING_KEY and BLIND_INDEX_KEY as version 1, as before versioning', () => {
    const d = doc();
    const s = loadSecrets(d, 'production');
    expect([...s.auditSigningKeys.keys()]).toEqual([1]);
    expect(s.auditSigningKeyCurrent).toBe(1);
    expect(s.auditSigningKey.equals(Buffer.from(d.AUDIT_SIGNING_KEY, 'base64'))).toBe(true);
    expect(s.blindIndexKeyCurrent).toBe(1);
    expect(s.blindIndexKey.equals(Buffer.from(d.BLIND_INDEX_KEY, 'base64'))).toBe(true);
    expect(s.auditPublicKeys.size).toBe(0);
  });

  it('signs with the highest audit key version; version 1 stays the SEA anchor', () => {
    const one = b();
    const s = load({ AUDIT_SIGNING_KEY: `1:${one},3:${b()}`, AUDIT_PUBLIC_KEYS: `2:${b()}` });
    expect(s.auditSigningKeyCurrent).toBe(3);
    expect(s.auditSigningKey.equals(Buffer.from(one, 'base64'))).toBe(true);
    expect([...s.auditPublicKeys.keys()]).toEqual([2]);
  });

  it('refuses an audit key list without version 1, and a version both held and retired', () => {
    expect(() => load({ AUDIT_SIGNING_KEY: `2:${b()}` })).toThrow(/AUDIT_SIGNING_KEY: version 1 must stay held/);
    expect(() => load({ AUDIT_SIGNING_KEY: `1:${b()},2:${b()}`, AUDIT_PUBLIC_KEYS: `2:${b()}` })).toThrow(/AUDIT_PUBLIC_KEYS: version 2 is also/);
  });

  it('reads blind index versions and their current one, and refuses an unknown current', () => {
    const two = randomBytes(48).toString('base64');
    const s = load({ BLIND_INDEX_KEY: `1:${b()},2:${two}`, BLIND_INDEX_KEY_CURRENT: '1' });
    expect(s.blindIndexKeyCurrent).toBe(1);
    expect(s.blindIndexKeys.get(2)?.toString('base64')).toBe(two);
    expect(() => load({ BLIND_INDEX_KEY: `1:${b()}`, BLIND_INDEX_KEY_CURRENT: '2' })).toThrow(/BLIND_INDEX_KEY_CURRENT: version 2 is not among/);
  });

  it('refuses a key version reused for another purpose', () => {
    const k = b();
    expect(() => load({ MASTER_KEYS: `1:${b()},2:${k}`, AUDIT_SIGNING_KEY: `1:${b()},2:${k}` })).toThrow(/AUDIT_SIGNING_KEY version 2 and MASTER_KEYS version 2 must differ/);
  });
});

describe('secrets file edits (keys:rotate, keys:retire)', () => {
  const file = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'amani-keys-')), 'secrets.json');
    writeFileSync(path, JSON.stringify(generateSecretsDocument()), { mode: 0o600 });
    return path;
  };
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, string | number>;

  it('adds the next master key version, makes it current, keeps the file private and loadable', () => {
    const path = file();
    const before = read(path);
    expect(addKeyVersion(path, 'MASTER_KEYS')).toBe(2);
    const after = read(path);
    expect(after.MASTER_KEY_CURRENT).toBe(2);
    expect(String(after.MASTER_KEYS).startsWith(`${String(before.MASTER_KEYS)},2:`)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const s = loadSecrets({ SECRETS_FILE: path }, 'production');
    expect(s.masterKeyCurrent).toBe(2);
    expect([...s.masterKeys.keys()]).toEqual([1, 2]);
  });

  it('never reuses a version number: above what the database recorded and above a retired one', () => {
    const path = file();
    expect(addKeyVersion(path, 'MASTER_KEYS', 32, 5)).toBe(5);
    removeKeyVersion(path, 'MASTER_KEYS', 1);
    expect(addKeyVersion(path, 'MASTER_KEYS')).toBe(6);
    removeKeyVersion(path, 'MASTER_KEYS', 5);
    expect(addKeyVersion(path, 'MASTER_KEYS')).toBe(7);
    expect([...parseVersioned(read(path).MASTER_KEYS).keys()]).toEqual([6, 7]);
  });

  it('refuses to remove the current version', () => {
    const path = file();
    expect(() => removeKeyVersion(path, 'MASTER_KEYS', 1)).toThrow(ConfigError);
  });

  it('turns a bare audit key into a versioned list and keeps a retired version\'s public key', () => {
    const path = file();
    const seed1 = String(read(path).AUDIT_SIGNING_KEY);
    expect(addKeyVersion(path, 'AUDIT_SIGNING_KEY')).toBe(2);
    expect(addKeyVersion(path, 'AUDIT_SIGNING_KEY')).toBe(3);
    const pub = randomBytes(32).toString('base64');
    removeKeyVersion(path, 'AUDIT_SIGNING_KEY', 2, pub);
    const d = read(path);
    expect(String(d.AUDIT_SIGNING_KEY)).toMatch(new RegExp(`^1:${seed1.replace(/[+/]/g, '\\$&')},3:`));
    expect(d.AUDIT_PUBLIC_KEYS).toBe(`2:${pub}`);
    expect(addKeyVersion(path, 'AUDIT_SIGNING_KEY')).toBe(4);
    const s = loadSecrets({ SECRETS_FILE: path }, 'production');
    expect([...s.auditSigningKeys.keys()]).toEqual([1, 3, 4]);
    expect(s.auditPublicKeys.get(2)?.toString('base64')).toBe(pub);
  });

  it('refuses to edit a key the environment overrides', () => {
    expect(() => assertFromFile({ MASTER_KEYS: `1:${b()}` }, 'MASTER_KEYS')).toThrow(/set in the environment/);
    expect(() => assertFromFile({ MASTER_KEY_CURRENT: '2' }, 'MASTER_KEYS')).toThrow(/MASTER_KEY_CURRENT/);
    expect(() => assertFromFile({}, 'MASTER_KEYS')).not.toThrow();
  });
});
