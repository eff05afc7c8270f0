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
  blindIndexKey: Buffer;
  /** Ed25519 seed for signing audit checkpoints. */
  auditSigningKey: Buffer;
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
  | 'AUDIT_SIGNING_KEY'
  | 'TRACKER_KEY'
  | 'RECEIPT_PEPPER'
  | 'PASSWORD_PEPPER';

export const DEV_SECRETS_FILE = '.keys/dev-secrets.json';

export function generateSecretsDocument(): Record<SecretName, string | number> {
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
  const blindIndexKey = key('BLIND_INDEX_KEY');
  const auditSigningKey = key('AUDIT_SIGNING_KEY');
  const trackerKey = key('TRACKER_KEY');
  const receiptPepper = key('RECEIPT_PEPPER');

  const versioned = (name: SecretName): Map<number, Buffer> => {
    const out = new Map<number, Buffer>();
    const raw = get(name);
    if (!raw) {
      problems.push(`${name}: missing (format "1:<base64 32 bytes>,2:<base64 32 bytes>")`);
      return out;
    }
    for (const part of raw.split(',')) {
      const m = /^(\d+):([A-Za-z0-9+/=]+)$/.exec(part.trim());
      const k = m ? Buffer.from(m[2], 'base64') : undefined;
      if (!m || !k || k.length !== 32 || Number(m[1]) < 1 || out.has(Number(m[1]))) {
        problems.push(`${name}: each entry must be "<version>:<base64 of exactly 32 bytes>", versions distinct and from 1`);
        break;
      }
      out.set(Number(m[1]), k);
    }
    return out;
  };
  const masterKeys = versioned('MASTER_KEYS');
  const passwordPeppers = versioned('PASSWORD_PEPPER');
  const passwordPepperCurrent = Math.max(0, ...passwordPeppers.keys());
  const currentRaw = get('MASTER_KEY_CURRENT');
  const masterKeyCurrent = currentRaw ? Number(currentRaw) : Math.max(0, ...masterKeys.keys());
  if (masterKeys.size > 0 && !masterKeys.has(masterKeyCurrent)) {
    problems.push(`MASTER_KEY_CURRENT: version ${masterKeyCurrent} is not among MASTER_KEYS`);
  }

  // Keys with different jobs must never be the same key.
  const distinct: [string, Buffer][] = [
    ['JWT_SECRET', jwtSecret],
    ['BLIND_INDEX_KEY', blindIndexKey],
    ['AUDIT_SIGNING_KEY', auditSigningKey],
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
    auditSigningKey,
    trackerKey,
    receiptPepper,
    passwordPeppers,
    passwordPepperCurrent,
  };
}
