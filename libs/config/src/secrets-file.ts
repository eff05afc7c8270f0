import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config-error';
import { DEV_SECRETS_FILE } from './secrets';

/** The versioned secrets an operator rotates with `keys:rotate`. */
export type VersionedSecretName = 'MASTER_KEYS' | 'BLIND_INDEX_KEY' | 'AUDIT_SIGNING_KEY';

const CURRENT_OF: Record<VersionedSecretName, string> = {
  MASTER_KEYS: 'MASTER_KEY_CURRENT',
  BLIND_INDEX_KEY: 'BLIND_INDEX_KEY_CURRENT',
  AUDIT_SIGNING_KEY: 'AUDIT_SIGNING_KEY_CURRENT',
};

type Doc = Record<string, string | number>;

/**
 * The secrets file the process reads (SECRETS_FILE, or the development file), for the key
 * commands to edit in place. A secret that comes from the environment cannot be edited here:
 * the operator changes the environment (or the KMS) instead, as README's operations say.
 */
export function secretsFilePath(env: Record<string, string | undefined>, mode: 'development' | 'test' | 'production'): string {
  const file = env.SECRETS_FILE ?? (mode === 'production' ? undefined : DEV_SECRETS_FILE);
  if (!file) throw new ConfigError(['SECRETS_FILE: not set; the key commands edit the secrets file, so set it (or change the environment by hand)']);
  return resolve(file);
}

export function assertFromFile(env: Record<string, string | undefined>, name: VersionedSecretName): void {
  for (const n of [name, CURRENT_OF[name]]) {
    if (env[n] !== undefined && env[n] !== '') {
      throw new ConfigError([`${n}: set in the environment, which overrides the secrets file; change it there (see README, key custody)`]);
    }
  }
}

function readDoc(path: string): Doc {
  if (!existsSync(path)) throw new ConfigError([`SECRETS_FILE: ${path} does not exist`]);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Doc;
  } catch {
    throw new ConfigError([`SECRETS_FILE: ${path} is not valid JSON`]);
  }
}

/** Writes beside the file and renames over it: a crash leaves the old file or the new, never half of one. */
function writeDoc(path: string, doc: Doc): void {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** version -> base64 value; a bare value (keys from before versioning) is version 1. */
export function parseVersioned(raw: string | number | undefined): Map<number, string> {
  const out = new Map<number, string>();
  if (raw === undefined || raw === '') return out;
  const text = String(raw);
  if (!text.includes(':')) {
    out.set(1, text);
    return out;
  }
  for (const part of text.split(',')) {
    const m = /^(\d+):([A-Za-z0-9+/=]+)$/.exec(part.trim());
    if (!m) throw new ConfigError(['secrets file: a versioned key entry is malformed']);
    out.set(Number(m[1]), m[2]);
  }
  return out;
}

export function formatVersioned(keys: ReadonlyMap<number, string>): string {
  return [...keys].sort(([a], [b]) => a - b).map(([v, k]) => `${v}:${k}`).join(',');
}

/**
 * Adds a fresh random key as the next version of `name` and makes it current. Returns the new
 * version. The processes use it after they restart; nothing is printed or logged of the key.
 */
export function addKeyVersion(path: string, name: VersionedSecretName, bytes = 32, atLeast = 1): number {
  const doc = readDoc(path);
  const keys = parseVersioned(doc[name]);
  if (keys.size === 0) throw new ConfigError([`${name}: not in ${path}`]);
  const retired = name === 'AUDIT_SIGNING_KEY' ? parseVersioned(doc.AUDIT_PUBLIC_KEYS) : new Map<number, string>();
  const version = Math.max(...keys.keys(), ...retired.keys(), numberOr(doc[`${name}_RETIRED_MAX`], 0), atLeast - 1) + 1;
  keys.set(version, randomBytes(bytes).toString('base64'));
  doc[name] = formatVersioned(keys);
  doc[CURRENT_OF[name]] = version;
  writeDoc(path, doc);
  return version;
}

/**
 * Removes version `version` of `name` from the file. Refuses the current version. For the
 * audit signing key, `publicKey` (base64) is kept in AUDIT_PUBLIC_KEYS so old checkpoints verify.
 */
export function removeKeyVersion(path: string, name: VersionedSecretName, version: number, publicKey?: string): void {
  const doc = readDoc(path);
  const keys = parseVersioned(doc[name]);
  const current = numberOr(doc[CURRENT_OF[name]], Math.max(0, ...keys.keys()));
  if (version === current) throw new ConfigError([`${name}: version ${version} is current; rotate first`]);
  if (!keys.has(version)) return;
  keys.delete(version);
  doc[name] = formatVersioned(keys);
  doc[CURRENT_OF[name]] = current;
  // Never hand a retired version number out again, even once no key of it is listed.
  doc[`${name}_RETIRED_MAX`] = Math.max(version, numberOr(doc[`${name}_RETIRED_MAX`], 0));
  if (publicKey) {
    const pubs = parseVersioned(doc.AUDIT_PUBLIC_KEYS);
    pubs.set(version, publicKey);
    doc.AUDIT_PUBLIC_KEYS = formatVersioned(pubs);
  }
  writeDoc(path, doc);
}

function numberOr(v: string | number | undefined, fallback: number): number {
  const n = Number(v);
  return v === undefined || v === '' || !Number.isInteger(n) ? fallback : n;
}
