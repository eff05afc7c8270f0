import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from './config-error';

/** Secrets Amani needs; each is 32 random bytes unless said otherwise. */
export interface Secrets {
  jwtSecret: Buffer;
  /** KEK versions: version -> 32-byte key. */
  masterKeys: ReadonlyMap<number, Buffer>;
  masterKeyCurrent: number;
  /** The blind index key of blindIndexKeyCurrent (new indexes are computed under it). */
  blindIndexKey: Buffer;
  /** Blind index key versions: version -> key. A plain BLIND_INDEX_KEY is version 1. */
  blindIndexKeys: ReadonlyMap<number, Buffer>;
  blindIndexKeyCurrent: number;
  /**
   * Ed25519 seed of audit signing key version 1: the anchor of SEA focal-point endorsements
   * (the bootstrap endorser is derived from it), so it stays held after later versions sign.
   */
  auditSigningKey: Buffer;
  /** Audit checkpoint signing seeds: version -> 32-byte seed. A plain AUDIT_SIGNING_KEY is version 1. */
  auditSigningKeys: ReadonlyMap<number, Buffer>;
  /** The version that signs new checkpoints (the highest held unless AUDIT_SIGNING_KEY_CURRENT says). */
  auditSigningKeyCurrent: number;
  /** Public keys of retired audit signing keys (seed no longer held): version -> 32-byte Ed25519 key. */
  auditPublicKeys: ReadonlyMap<number, Buffer>;
  /** Keys rate-limit trackers so no client address is kept in Redis. */
  trackerKey: Buffer;
  /** Pepper for receipt-code hashes. */
  receiptPepper: Buffer;
  /** Versioned pepper for login password hashes: version -> 32-byte key. Never in PostgreSQL. */
  passwordPeppers: ReadonlyMap<number, Buffer>;
  /** The highest version: new hashes use it, older ones are rehashed at the next login. */
  passwordPepperCurrent: number;
}

type RawSecrets = Partial<Record<SecretName, string | number>>;
type SecretName =
  | 'JWT_SECRET'
  | 'MASTER_KEYS'
  | 'MASTER_KEY_CURRENT'
  | 'BLIND_INDEX_KEY'
  | 'BLIND_INDEX_KEY_CURRENT'
  | 'AUDIT_SIGNING_KEY'
  | 'AUDIT_SIGNING_KEY_CURRENT'
  | 'AUDIT_PUBLIC_KEYS'
  | 'TRACKER_KEY'
  | 'RECEIPT_PEPPER'
  | 'PASSWORD_PEPPER';

export const DEV_SECRETS_FILE = '.keys/dev-secrets.json';

export function generateSecretsDocument(): Partial<Record<SecretName, string | number>> {
  const b = () => randomBytes(32).toString('base64');
  return {
    JWT_SECRET: b(),
    MASTER_KEYS: `1:${b()}`,
    MASTER_KEY_CURRENT: 1,
    BLIND_INDEX_KEY: b(),
    AUDIT_SIGNING_KEY: b(),
    TRACKER_KEY: b(),
    RECEIPT_PEPPER: b(),
    PASSWORD_PEPPER: `1:${b()}`,
  };
}

/**
 * Reads secrets from the environment, falling back to SECRETS_FILE. Development and test
 * may create a git-ignored key file on first start; production never generates a key.
 */
export function loadSecrets(
  env: Record<string, string | undefined>,
  mode: 'development' | 'test' | 'production',
): Secrets {
  let fileValues: RawSecrets = {};
  const file = env.SECRETS_FILE ?? (mode === 'production' ? undefined : DEV_SECRETS_FILE);
  if (file) {
    const path = resolve(file);
    if (!existsSync(path) && mode !== 'production' && !env.SECRETS_FILE) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, JSON.stringify(generateSecretsDocument(), null, 2), { mode: 0o600 });
    }
    if (existsSync(path)) {
      try {
        fileValues = JSON.parse(readFileSync(path, 'utf8')) as RawSecrets;
      } catch {
        throw new ConfigError([`SECRETS_FILE: ${file} is not valid JSON`]);
      }
      // A development key file from before a secret was added gains it (never in production).
      if (mode !== 'production' && !env.SECRETS_FILE) {
        const generated = generateSecretsDocument();
        const missing = (Object.keys(generated) as SecretName[]).filter((k) => fileValues[k] === undefined);
        if (missing.length) {
          for (const k of missing) fileValues[k] = generated[k];
          writeFileSync(path, JSON.stringify(fileValues, null, 2), { mode: 0o600 });
        }
      }
    } else {
      throw new ConfigError([`SECRETS_FILE: ${file} does not exist`]);
    }
  }
  const get = (name: SecretName): string | undefined => {
    const v = env[name] ?? fileValues[name];
    return v === undefined || v === '' ? undefined : String(v);
  };

  const problems: string[] = [];
  const key = (name: SecretName, minBytes = 32): Buffer => {
    const raw = get(name);
    if (!raw) {
      problems.push(`${name}: missing (set it, or point SECRETS_FILE at a file holding it)`);
      return Buffer.alloc(0);
    }
    const buf = Buffer.from(raw, 'base64');
    if (buf.length < minBytes || buf.toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, '')) {
      problems.push(`${name}: must be at least ${minBytes} bytes, base64-encoded`);
    }
    return buf;
  };

  const jwtSecret = key('JWT_SECRET');
  const trackerKey = key('TRACKER_KEY');
  const receiptPepper = key('RECEIPT_PEPPER');

  const versioned = (name: SecretName, opts: { optional?: boolean; plainIsVersion1?: boolean; minBytes?: number; maxBytes?: number } = {}): Map<number, Buffer> => {
    const out = new Map<number, Buffer>();
    const raw = get(name);
    const minBytes = opts.minBytes ?? 32;
    const maxBytes = opts.maxBytes ?? 32;
    if (!raw) {
      if (!opts.optional) problems.push(`${name}: missing (format "1:<base64 32 bytes>,2:<base64 32 bytes>")`);
      return out;
    }
    // Keys that predate versioning are a bare base64 value: version 1.
    if (opts.plainIsVersion1 && !raw.includes(':')) {
      out.set(1, key(name, minBytes));
      return out;
    }
    for (const part of raw.split(',')) {
      const m = /^(\d+):([A-Za-z0-9+/=]+)$/.exec(part.trim());
      const k = m ? Buffer.from(m[2], 'base64') : undefined;
      if (!m || !k || k.length < minBytes || k.length > maxBytes || Number(m[1]) < 1 || out.has(Number(m[1]))) {
        const size = minBytes === maxBytes ? `exactly ${minBytes}` : `${minBytes} to ${maxBytes}`;
        problems.push(`${name}: each entry must be "<version>:<base64 of ${size} bytes>", versions distinct and from 1`);
        break;
      }
      out.set(Number(m[1]), k);
    }
    return out;
  };
  const currentOf = (name: SecretName, keys: Map<number, Buffer>, listName: string): number => {
    const raw = get(name);
    const current = raw ? Number(raw) : Math.max(0, ...keys.keys());
    if (keys.size > 0 && !keys.has(current)) problems.push(`${name}: version ${raw} is not among ${listName}`);
    return current;
  };
  const masterKeys = versioned('MASTER_KEYS');
  const passwordPeppers = versioned('PASSWORD_PEPPER');
  const passwordPepperCurrent = Math.max(0, ...passwordPeppers.keys());
  const masterKeyCurrent = currentOf('MASTER_KEY_CURRENT', masterKeys, 'MASTER_KEYS');

  const blindIndexKeys = versioned('BLIND_INDEX_KEY', { plainIsVersion1: true, maxBytes: 64 });
  const blindIndexKeyCurrent = currentOf('BLIND_INDEX_KEY_CURRENT', blindIndexKeys, 'BLIND_INDEX_KEY');
  const blindIndexKey = blindIndexKeys.get(blindIndexKeyCurrent) ?? Buffer.alloc(0);

  const auditSigningKeys = versioned('AUDIT_SIGNING_KEY', { plainIsVersion1: true });
  const auditSigningKeyCurrent = currentOf('AUDIT_SIGNING_KEY_CURRENT', auditSigningKeys, 'AUDIT_SIGNING_KEY');
  const auditSigningKey = auditSigningKeys.get(1) ?? Buffer.alloc(0);
  if (auditSigningKeys.size > 0 && !auditSigningKeys.has(1)) {
    problems.push('AUDIT_SIGNING_KEY: version 1 must stay held (it anchors SEA focal-point endorsements); later versions sign new checkpoints');
  }
  const auditPublicKeys = versioned('AUDIT_PUBLIC_KEYS', { optional: true });
  for (const v of auditPublicKeys.keys()) {
    if (auditSigningKeys.has(v)) problems.push(`AUDIT_PUBLIC_KEYS: version ${v} is also in AUDIT_SIGNING_KEY (list a version in one of them)`);
  }

  // Keys with different jobs must never be the same key.
  const distinct: [string, Buffer][] = [
    ['JWT_SECRET', jwtSecret],
    ...[...blindIndexKeys].map(([v, k]): [string, Buffer] => [`BLIND_INDEX_KEY version ${v}`, k]),
    ...[...auditSigningKeys].map(([v, k]): [string, Buffer] => [`AUDIT_SIGNING_KEY version ${v}`, k]),
    ['TRACKER_KEY', trackerKey],
    ['RECEIPT_PEPPER', receiptPepper],
    ...[...masterKeys].map(([v, k]): [string, Buffer] => [`MASTER_KEYS version ${v}`, k]),
    ...[...passwordPeppers].map(([v, k]): [string, Buffer] => [`PASSWORD_PEPPER version ${v}`, k]),
  ];
  for (let i = 0; i < distinct.length; i++) {
    for (let j = i + 1; j < distinct.length; j++) {
      const [an, a] = distinct[i];
      const [bn, bk] = distinct[j];
      if (a.length > 0 && a.equals(bk)) problems.push(`${an} and ${bn} must differ`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    jwtSecret,
    masterKeys,
    masterKeyCurrent,
    blindIndexKey,
    blindIndexKeys,
    blindIndexKeyCurrent,
    auditSigningKey,
    auditSigningKeys,
    auditSigningKeyCurrent,
    auditPublicKeys,
    trackerKey,
    receiptPepper,
    passwordPeppers,
    passwordPepperCurrent,
  };
}
