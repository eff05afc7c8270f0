import { Command, CommandRunner, Option } from 'nest-commander';
// Default import on purpose: `import * as sodium` leaves every function undefined.
import sodium from 'libsodium-wrappers';
import { AuditService } from '@amani/audit';
import {
  addKeyVersion,
  AppConfig,
  assertFromFile,
  ConfigError,
  InjectConfig,
  removeKeyVersion,
  secretsFilePath,
  VersionedSecretName,
} from '@amani/config';
import { BlindIndexReindexService, MasterKeyRotationService, RetireRefusedError, REWRAP_DEFAULT_BATCH, REWRAP_MAX_BATCH } from '@amani/domain/keys';

type KeyKind = 'master' | 'audit-signing' | 'blind-index';
const KINDS: Record<KeyKind, VersionedSecretName> = { master: 'MASTER_KEYS', 'audit-signing': 'AUDIT_SIGNING_KEY', 'blind-index': 'BLIND_INDEX_KEY' };

function parseKind(value: string): KeyKind {
  if (!Object.hasOwn(KINDS, value)) throw new Error(`--key must be one of ${Object.keys(KINDS).join(', ')}`);
  return value as KeyKind;
}

function parseBatch(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > REWRAP_MAX_BATCH) throw new Error(`--batch-size must be 1..${REWRAP_MAX_BATCH}`);
  return n;
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

const restartAdvice = (what: string) =>
  `restart every API process first, then every worker, with this secrets file: ${what}`;

/**
 * `npm run cli -- keys:status`: per master key version, what the server still holds under it
 * (MFA secrets, case and referral data keys, SEA assistance keys), and the audit signing keys.
 */
@Command({ name: 'keys:status', description: 'What remains under each master key version; the audit signing keys' })
export class KeysStatusCommand extends CommandRunner {
  constructor(
    private readonly rotation: MasterKeyRotationService,
    private readonly reindex: BlindIndexReindexService,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  async run(): Promise<void> {
    const s = await this.rotation.status();
    const out: string[] = [];
    out.push(`master key: current version ${s.current}; held versions ${s.held.join(', ')}`);
    const recorded = new Map(s.versions.map((v) => [v.version, v]));
    const versions = [...new Set([...s.held, ...s.remaining.keys(), ...recorded.keys()])].sort((a, b) => a - b);
    for (const v of versions) {
      const per = s.remaining.get(v) ?? new Map<string, number>();
      const total = [...per.values()].reduce((a, b) => a + b, 0);
      const r = recorded.get(v);
      const state = [
        v === s.current ? 'current' : null,
        s.held.includes(v) ? 'held' : 'not held',
        r?.retiredAt ? `retired ${r.retiredAt.toISOString()}` : null,
        r?.rewrapFinishedAt ? `re-wrap to it finished ${r.rewrapFinishedAt.toISOString()}` : r && !r.retiredAt ? 're-wrap to it not finished' : null,
      ].filter(Boolean);
      out.push(`  version ${v}: ${total} values (${state.join('; ')})`);
      for (const [name, n] of [...per].sort()) out.push(`    ${name}: ${n}`);
    }
    const a = this.config.secrets;
    await sodium.ready;
    out.push(`audit signing key: current version ${a.auditSigningKeyCurrent}`);
    for (const [v, seed] of [...(a.auditSigningKeys ?? new Map())].sort(([x], [y]) => x - y)) {
      const kp = sodium.crypto_sign_seed_keypair(new Uint8Array(seed.subarray(0, 32)));
      sodium.memzero(kp.privateKey);
      out.push(`  version ${v}: signing key held; public key ${Buffer.from(kp.publicKey).toString('base64')}${v === 1 ? ' (also anchors SEA endorsements: keep it)' : ''}`);
    }
    for (const [v, pub] of [...(a.auditPublicKeys ?? new Map())].sort(([x], [y]) => x - y)) {
      out.push(`  version ${v}: retired; public key ${pub.toString('base64')} (old checkpoints verify with it)`);
    }
    const bi = await this.reindex.status();
    out.push(`blind index key: current version ${bi.current}; held versions ${bi.held.join(', ')}`);
    for (const [name, per] of bi.remaining) {
      out.push(`  ${name}: ${[...per].map(([v, n]) => `version ${v}: ${n}`).join(', ') || 'none'}`);
    }
    if (bi.awaitingMember) out.push(`  ${bi.awaitingMember} cases under an older version have a key only their agency opens: re-indexed when written`);
    process.stdout.write(out.join('\n') + '\n');
  }
}

/**
 * `npm run cli -- keys:rotate [--key master|audit-signing] [--batch-size n]`: adds a fresh key
 * as the next version to the secrets file and makes it current. For the master key it also
 * queues the re-wrap job, which the worker runs once it has been restarted with the new file.
 */
@Command({ name: 'keys:rotate', description: 'Add a new key version to the secrets file, make it current, and (master key) queue the re-wrap' })
export class KeysRotateCommand extends CommandRunner {
  constructor(
    private readonly rotation: MasterKeyRotationService,
    private readonly reindex: BlindIndexReindexService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  @Option({ flags: '--key <kind>', description: 'master (default), audit-signing or blind-index' })
  parseKey(v: string): KeyKind {
    return parseKind(v);
  }

  @Option({ flags: '--batch-size <n>', description: `rows re-wrapped per transaction (default ${REWRAP_DEFAULT_BATCH})` })
  parseBatchSize(v: string): number {
    return parseBatch(v);
  }

  async run(_: string[], options: { key?: KeyKind; batchSize?: number }): Promise<void> {
    const kind = options.key ?? 'master';
    const name = KINDS[kind];
    let path: string;
    try {
      assertFromFile(process.env, name);
      path = secretsFilePath(process.env, this.config.env);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return fail(`keys:rotate refused: ${e.message}${kind === 'master' ? '\n(after adding a version in the environment and restarting, run keys:rewrap)' : ''}`);
    }
    if (kind === 'audit-signing') {
      const version = addKeyVersion(path, name);
      process.stdout.write(`audit signing key version ${version} is current in ${path}\n${restartAdvice('new checkpoints are then signed by it; older checkpoints keep verifying with the older versions')}\n`);
      await this.audit.record({ action: 'keys.rotate', outcome: 'success', details: { via: 'cli', key: kind, version } });
      return;
    }
    if (kind === 'blind-index') {
      const version = addKeyVersion(path, name);
      await this.reindex.requestReindex(version, options.batchSize ?? REWRAP_DEFAULT_BATCH);
      process.stdout.write(
        `blind index key version ${version} is current in ${path}; re-index queued\n` +
          `${restartAdvice('lookups match under every held version meanwhile; the worker recomputes the indexes of every case the server can open')}\n`,
      );
      await this.audit.record({ action: 'keys.rotate', outcome: 'success', details: { via: 'cli', key: kind, version } });
      return;
    }
    const status = await this.rotation.status();
    const atLeast = Math.max(await this.rotation.highestRecorded(), ...status.remaining.keys(), ...status.held) + 1;
    const version = addKeyVersion(path, name, 32, atLeast);
    await this.rotation.requestRewrap(version, options.batchSize ?? REWRAP_DEFAULT_BATCH);
    process.stdout.write(
      `master key version ${version} is current in ${path}; re-wrap queued\n` +
        `${restartAdvice('the API then writes under it; the worker re-wraps every value under an older version')}\n` +
        `follow it with keys:status; keys:retire <old version> once nothing remains under it\n`,
    );
    await this.audit.record({ action: 'keys.rotate', outcome: 'success', details: { via: 'cli', key: kind, version } });
  }
}

/** `npm run cli -- keys:rewrap [--batch-size n]`: queues the re-wrap to the current master key version (again). */
@Command({ name: 'keys:rewrap', description: 'Queue the re-wrap of every value under an older master key version to the current one' })
export class KeysRewrapCommand extends CommandRunner {
  constructor(private readonly rotation: MasterKeyRotationService) {
    super();
  }

  @Option({ flags: '--batch-size <n>', description: `rows re-wrapped per transaction (default ${REWRAP_DEFAULT_BATCH})` })
  parseBatchSize(v: string): number {
    return parseBatch(v);
  }

  async run(_: string[], options: { batchSize?: number }): Promise<void> {
    const version = this.rotation.currentVersion();
    try {
      await this.rotation.requestRewrap(version, options.batchSize ?? REWRAP_DEFAULT_BATCH);
    } catch (e) {
      if (e instanceof RetireRefusedError) return fail(`keys:rewrap refused: master key version ${version} was retired`);
      throw e;
    }
    process.stdout.write(`re-wrap to master key version ${version} queued\n`);
  }
}

/**
 * `npm run cli -- keys:retire <version> [--key master|audit-signing]`: refuses while anything
 * remains under that master key version; then records it retired (no process starts with it
 * as current again) and removes it from the secrets file. An audit signing key's seed leaves
 * the file and its public key stays (AUDIT_PUBLIC_KEYS), so its checkpoints still verify.
 */
@Command({ name: 'keys:retire', arguments: '<version>', description: 'Retire a key version once nothing needs it' })
export class KeysRetireCommand extends CommandRunner {
  constructor(
    private readonly rotation: MasterKeyRotationService,
    private readonly reindex: BlindIndexReindexService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  @Option({ flags: '--key <kind>', description: 'master (default), audit-signing or blind-index' })
  parseKey(v: string): KeyKind {
    return parseKind(v);
  }

  async run([raw]: string[], options: { key?: KeyKind }): Promise<void> {
    const version = Number(raw);
    if (!Number.isInteger(version) || version < 1) return fail('keys:retire refused: <version> must be a positive integer');
    const kind = options.key ?? 'master';
    const name = KINDS[kind];
    const fromEnv = Boolean(process.env[name]);
    const path = fromEnv ? undefined : secretsFilePath(process.env, this.config.env);

    if (kind === 'audit-signing') {
      const s = this.config.secrets;
      if (version === 1) return fail('keys:retire refused: audit signing key version 1 anchors SEA focal-point endorsements and stays held');
      if (version === s.auditSigningKeyCurrent) return fail(`keys:retire refused: audit signing key version ${version} is current; rotate first`);
      const seed = s.auditSigningKeys.get(version);
      if (!seed) return fail(`keys:retire refused: audit signing key version ${version} is not held`);
      await sodium.ready;
      const kp = sodium.crypto_sign_seed_keypair(new Uint8Array(seed.subarray(0, 32)));
      sodium.memzero(kp.privateKey);
      const publicKey = Buffer.from(kp.publicKey).toString('base64');
      if (!path) {
        process.stdout.write(`remove version ${version} from AUDIT_SIGNING_KEY in the environment and add "${version}:${publicKey}" to AUDIT_PUBLIC_KEYS\n`);
      } else {
        removeKeyVersion(path, name, version, publicKey);
        process.stdout.write(`audit signing key version ${version} retired: its seed left ${path}, its public key stays in AUDIT_PUBLIC_KEYS\n`);
      }
      await this.audit.record({ action: 'keys.retire', outcome: 'success', details: { via: 'cli', key: kind, version } });
      return;
    }

    if (kind === 'blind-index') {
      if (version === this.config.secrets.blindIndexKeyCurrent) return fail(`keys:retire refused: blind index key version ${version} is current; rotate first`);
      const left = await this.reindex.remainingUnder(version);
      if (left > 0) return fail(`keys:retire refused: blind index key version ${version}: ${left} cases are still indexed under it (keys:status)`);
      if (!path) process.stdout.write(`blind index key version ${version} is unused; remove it from BLIND_INDEX_KEY in the environment\n`);
      else {
        removeKeyVersion(path, name, version);
        process.stdout.write(`blind index key version ${version} retired and removed from ${path}; restart the processes\n`);
      }
      await this.audit.record({ action: 'keys.retire', outcome: 'success', details: { via: 'cli', key: kind, version } });
      return;
    }

    try {
      await this.rotation.retire(version);
    } catch (e) {
      if (!(e instanceof RetireRefusedError)) throw e;
      await this.audit.record({ action: 'keys.retire', outcome: 'failure', details: { via: 'cli', key: kind, version, reason: e.reason } });
      return fail(`keys:retire refused: master key version ${version}: ${e.message}`);
    }
    if (!path) {
      process.stdout.write(`master key version ${version} retired; remove it from MASTER_KEYS in the environment and restart\n`);
    } else {
      removeKeyVersion(path, name, version);
      process.stdout.write(`master key version ${version} retired and removed from ${path}; restart the processes so none holds it\n`);
    }
    await this.audit.record({ action: 'keys.retire', outcome: 'success', details: { via: 'cli', key: kind, version } });
  }
}

/** `npm run cli -- keys:reindex [--batch-size n]`: queues the case blind index re-index to the current version (again). */
@Command({ name: 'keys:reindex', description: 'Queue the recomputation of case blind indexes under the current blind index key version' })
export class KeysReindexCommand extends CommandRunner {
  constructor(private readonly reindex: BlindIndexReindexService) {
    super();
  }

  @Option({ flags: '--batch-size <n>', description: `rows per transaction (default ${REWRAP_DEFAULT_BATCH})` })
  parseBatchSize(v: string): number {
    return parseBatch(v);
  }

  async run(_: string[], options: { batchSize?: number }): Promise<void> {
    const version = this.reindex.currentVersion();
    await this.reindex.requestReindex(version, options.batchSize ?? REWRAP_DEFAULT_BATCH);
    process.stdout.write(`re-index to blind index key version ${version} queued\n`);
  }
}
