import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@amani/audit';
import { IntegrityError } from '@amani/crypto';
import { TransactionHost } from '@amani/database';
import { ConflictProblem, DomainException, NotFoundProblem } from '@amani/http';
import type { AuthUser } from '../auth-user';
import { LoginHook, LoginHooks, PasswordLoginEvent } from '../login/login-hooks';
import type { Role } from '../roles';
import { returnedRows } from '../sql';
import { AgencyKeyLockedProblem } from './agency-key-errors';
import { KeyCustody, KeyPair, parseRecoveryKey } from './key-custody';
import { Keyring } from './keyring';

/** The roles that read survivor data, and so hold their agency's key. */
export const AGENCY_KEY_ROLES: readonly Role[] = ['caseworker', 'supervisor', 'provider'];

export interface AgencyKeyMember {
  userId: string;
  displayName: string;
  role: Role;
  /** Holds a grant of the agency's current key. */
  holdsKey: boolean;
  /** Has a personal key (set when they chose their password). */
  hasPersonalKey: boolean;
}

export interface AgencyKeyStatus {
  /** The agency's key version, or null when none was set up. */
  version: number | null;
  /** The caller holds a grant of the current version. */
  holdsKey: boolean;
  /** The caller's grant opens in this session (their unlock was presented and is live). */
  unlocked: boolean;
  /** Supervisors only: the agency's staff and who holds the key (others get null). */
  members: AgencyKeyMember[] | null;
}

export interface AgencyKeySetUp {
  version: number;
  /** Shown once; never stored. It can re-grant the agency key if every member lost theirs. */
  recoveryKey: string;
}

class InvalidRecoveryKeyProblem extends DomainException {
  constructor() {
    super(422, 'invalid_recovery_key', 'This recovery key does not open the agency key.', [{ field: 'recoveryKey', message: 'does not open the agency key' }]);
  }
}

interface StoredPersonal {
  public_key: Buffer;
  password_salt: Buffer;
  password_wrapped_key: Buffer;
  kdf_memory: number;
  kdf_iterations: number;
  pepper_version: number;
}

/**
 * Agency key groups (issue 14): personal keys wrapped by the password, the agency key sealed
 * to each member, set-up with a recovery key shown once, grants made only by a member who
 * holds the key (the four-eyes approval), removal, and the session unlock at sign-in.
 */
@Injectable()
export class AgencyKeysService implements LoginHook, OnModuleInit {
  readonly name = 'keys';

  constructor(
    private readonly tx: TransactionHost,
    private readonly custody: KeyCustody,
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    private readonly hooks: LoginHooks,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  // ---- personal keys ------------------------------------------------------------------

  /**
   * A new personal key pair wrapped by this password (an accepted invitation or credential
   * reset). Every grant sealed to the previous pair and every session copy of it go.
   */
  async createPersonalKey(em: EntityManager, userId: string, password: string): Promise<KeyPair> {
    const pair = this.custody.newKeyPair();
    const w = await this.custody.wrapWithPassword(pair.privateKey, password, userId, pair.publicKey);
    await em.query(`DELETE FROM agency_key_grants WHERE user_id = $1`, [userId]);
    await em.query(`DELETE FROM session_unlocks WHERE user_id = $1`, [userId]);
    await em.query(
      `INSERT INTO user_keys (user_id, public_key, password_salt, password_wrapped_key, kdf_memory, kdf_iterations, pepper_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id) DO UPDATE SET public_key = EXCLUDED.public_key, password_salt = EXCLUDED.password_salt,
              password_wrapped_key = EXCLUDED.password_wrapped_key, kdf_memory = EXCLUDED.kdf_memory,
              kdf_iterations = EXCLUDED.kdf_iterations, pepper_version = EXCLUDED.pepper_version, updated_at = now()`,
      [userId, pair.publicKey, w.salt, w.wrapped, w.memoryCost, w.timeCost, w.pepperVersion],
    );
    return pair;
  }

  /** The personal key pair opened with the password (operator paths: CLI, demo seed, fixtures). Null when the password does not open it. */
  async openPersonalKey(userId: string, password: string): Promise<KeyPair | null> {
    const stored = await this.storedPersonal(this.tx.manager, userId);
    if (!stored) return null;
    try {
      const privateKey = await this.custody.unwrapWithPassword(toWrap(stored), password, userId, stored.public_key);
      return { publicKey: stored.public_key, privateKey };
    } catch (e) {
      if (e instanceof IntegrityError) return null;
      throw e;
    }
  }

  /**
   * Login hook: opens the personal key with the password just verified and keeps it for this
   * session only under a random key returned to the client (`sessionSecrets.keys`). Accounts
   * from before agency keys get their personal key now, from the same password.
   */
  async afterPasswordLogin(event: PasswordLoginEvent, em: EntityManager): Promise<string | undefined> {
    if (!AGENCY_KEY_ROLES.includes(event.role) || !event.agencyId) return undefined;
    return this.unlockForSession(em, event.sessionId, event.userId, event.password);
  }

  /** Seals the personal key for one session; the returned token is the client's half. Undefined when the password does not open it. */
  async unlockForSession(em: EntityManager, sessionId: string, userId: string, password: string): Promise<string | undefined> {
    const stored = await this.storedPersonal(em, userId);
    let privateKey: Buffer;
    if (!stored) {
      privateKey = (await this.createPersonalKey(em, userId, password)).privateKey;
    } else {
      try {
        privateKey = await this.custody.unwrapWithPassword(toWrap(stored), password, userId, stored.public_key);
      } catch (e) {
        if (e instanceof IntegrityError) return undefined;
        throw e;
      }
      // Wrapped under an older password pepper (or KDF cost): wrap it again, as the password hash is rehashed.
      if (stored.pepper_version !== this.custody.currentPepperVersion()) {
        const w = await this.custody.wrapWithPassword(privateKey, password, userId, stored.public_key);
        await em.query(
          `UPDATE user_keys SET password_salt = $2, password_wrapped_key = $3, kdf_memory = $4, kdf_iterations = $5, pepper_version = $6, updated_at = now() WHERE user_id = $1`,
          [userId, w.salt, w.wrapped, w.memoryCost, w.timeCost, w.pepperVersion],
        );
      }
    }
    try {
      const { token, sealed } = this.custody.sealForSession(privateKey, sessionId, userId);
      await em.query(
        `INSERT INTO session_unlocks (session_id, user_id, sealed_private_key) VALUES ($1, $2, $3)
         ON CONFLICT (session_id) DO UPDATE SET sealed_private_key = EXCLUDED.sealed_private_key`,
        [sessionId, userId, sealed],
      );
      return token;
    } finally {
      this.custody.wipe(privateKey);
    }
  }

  /** Removes every agency grant and session copy of the user (disabled, refused, moved to another agency). */
  async dropMemberships(em: EntityManager, userId: string): Promise<number> {
    const rows = returnedRows(await em.query(`DELETE FROM agency_key_grants WHERE user_id = $1 RETURNING user_id`, [userId]));
    await em.query(`DELETE FROM session_unlocks WHERE user_id = $1`, [userId]);
    return rows.length;
  }

  // ---- the agency key -----------------------------------------------------------------

  async status(actor: AuthUser): Promise<AgencyKeyStatus> {
    const agencyId = this.agencyOf(actor);
    const em = this.tx.manager;
    const version = await this.currentVersion(em, agencyId);
    if (version === null) return { version: null, holdsKey: false, unlocked: false, members: actor.role === 'supervisor' ? await this.members(em, agencyId, null) : null };
    const held: unknown[] = await em.query(`SELECT 1 FROM agency_key_grants WHERE agency_id = $1 AND version = $2 AND user_id = $3`, [agencyId, version, actor.id]);
    let unlocked = false;
    if (held.length > 0) {
      try {
        await this.keyring.agencyPrivateKey(agencyId, version);
        unlocked = true;
      } catch (e) {
        if (!(e instanceof AgencyKeyLockedProblem)) throw e;
      }
    }
    return { version, holdsKey: held.length > 0, unlocked, members: actor.role === 'supervisor' ? await this.members(em, agencyId, version) : null };
  }

  /**
   * POST /agency-keys: a supervisor of an agency without a key creates it. The private key is
   * sealed to the supervisor and wrapped under a recovery key returned once; the server keeps neither.
   */
  async setUp(actor: AuthUser, requestId?: string): Promise<AgencyKeySetUp> {
    const agencyId = this.agencyOf(actor);
    return this.tx.run(async (em) => {
      const result = await this.createAgencyKey(em, agencyId, [actor.id], actor.id);
      await this.record(em, actor, 'agency_key.set_up', actor.id, { version: result.version }, requestId);
      return result;
    });
  }

  /** Operator path (demo seed, test fixtures): the agency's first key, sealed to these members. */
  async setUpByOperator(agencyId: string, memberIds: string[], via: string, opts: { includeInactive?: boolean } = {}): Promise<AgencyKeySetUp> {
    return this.tx.run(async (em) => {
      const result = await this.createAgencyKey(em, agencyId, memberIds, null, opts.includeInactive ?? false);
      await this.audit.record({ action: 'agency_key.set_up', outcome: 'success', agencyId, targetType: 'agency', targetId: agencyId, details: { version: result.version, via } }, em);
      return result;
    });
  }

  /**
   * Seals the agency key the actor holds (opened through their session) to a member of the
   * agency: the four-eyes approval calls this in its transaction; POST /agency-keys/grants
   * for an account approved while nobody held the key, or after a credential reset.
   */
  async grant(em: EntityManager, actor: AuthUser, targetId: string, requestId?: string): Promise<void> {
    const agencyId = this.agencyOf(actor);
    const version = await this.currentVersion(em, agencyId);
    if (version === null) throw new ConflictProblem('agency_key_missing', 'This agency has no key yet: a supervisor of the agency sets it up first.');
    const target = await this.grantee(em, agencyId, targetId);
    const { privateKey } = await this.keyring.agencyPrivateKey(agencyId, version);
    await this.insertGrant(em, agencyId, version, targetId, target.public_key, privateKey, actor.id);
    await this.record(em, actor, 'agency_key.grant', targetId, { version }, requestId);
  }

  /** Whether the account (just approved) may receive the key now: the agency has one and the account a personal key. */
  async canGrant(em: EntityManager, agencyId: string, targetId: string): Promise<boolean> {
    if ((await this.currentVersion(em, agencyId)) === null) return false;
    return (await this.storedPersonal(em, targetId)) !== null;
  }

  grantByApi(actor: AuthUser, targetId: string, requestId?: string): Promise<void> {
    return this.tx.run((em) => this.grant(em, actor, targetId, requestId));
  }

  /** DELETE /agency-keys/grants/:userId: the member opens nothing from now on, even in a live session. */
  async revoke(actor: AuthUser, targetId: string, requestId?: string): Promise<void> {
    const agencyId = this.agencyOf(actor);
    await this.tx.run(async (em) => {
      const rows = returnedRows(await em.query(`DELETE FROM agency_key_grants WHERE agency_id = $1 AND user_id = $2 RETURNING version`, [agencyId, targetId]));
      if (rows.length === 0) throw new NotFoundProblem('grant');
      await this.record(em, actor, 'agency_key.revoke', targetId, { versions: rows.length }, requestId);
    });
  }

  /**
   * POST /agency-keys/recovery: a supervisor who lost access (every member lost their password)
   * opens the agency key with the recovery key and grants it to themselves.
   */
  async recover(actor: AuthUser, recoveryKey: string, requestId?: string): Promise<{ version: number }> {
    const agencyId = this.agencyOf(actor);
    const recovery = parseRecoveryKey(recoveryKey);
    if (!recovery) throw new InvalidRecoveryKeyProblem();
    try {
      return await this.tx.run(async (em) => {
        const version = await this.grantWithRecovery(em, agencyId, recovery, actor.id, actor.id);
        await this.record(em, actor, 'agency_key.recover', actor.id, { version }, requestId);
        return { version };
      });
    } finally {
      recovery.fill(0);
    }
  }

  /** Opens the agency key with the recovery key and seals it to the member; the current version. */
  async grantWithRecovery(em: EntityManager, agencyId: string, recovery: Uint8Array, targetId: string, grantedBy: string | null): Promise<number> {
    const rows: { version: number; public_key: Buffer; recovery_wrapped_key: Buffer }[] = await em.query(
      `SELECT version, public_key, recovery_wrapped_key FROM agency_keys WHERE agency_id = $1 ORDER BY version DESC LIMIT 1`,
      [agencyId],
    );
    if (!rows[0]) throw new ConflictProblem('agency_key_missing', 'This agency has no key yet: a supervisor of the agency sets it up first.');
    const { version, public_key, recovery_wrapped_key } = rows[0];
    let sk: Buffer;
    try {
      sk = this.custody.unwrapWithRecovery(recovery_wrapped_key, recovery, agencyId, version, public_key);
    } catch (e) {
      if (e instanceof IntegrityError) throw new InvalidRecoveryKeyProblem();
      throw e;
    }
    try {
      const target = await this.grantee(em, agencyId, targetId);
      await this.insertGrant(em, agencyId, version, targetId, target.public_key, sk, grantedBy);
      return version;
    } finally {
      this.custody.wipe(sk);
    }
  }

  /**
   * A group-key rotation (after a member left under suspicion): a new version whose private key
   * is sealed to every member who holds the current one, with the previous private key sealed to
   * the new public key (members still open older seals), and a new recovery key shown once. The
   * old grants go at once; the caller enqueues the re-layering of the agency's data keys, which
   * needs only public keys. Runs in the caller's transaction; the actor's session must hold the key.
   */
  async rotate(em: EntityManager, actor: AuthUser, requestId?: string): Promise<AgencyKeySetUp & { agencyId: string; members: number }> {
    const agencyId = this.agencyOf(actor);
    await em.query(`SELECT 1 FROM agencies WHERE id = $1 FOR UPDATE`, [agencyId]);
    const current = await this.currentVersion(em, agencyId);
    if (current === null) throw new ConflictProblem('agency_key_missing', 'This agency has no key yet: a supervisor of the agency sets it up first.');
    const old = await this.keyring.agencyPrivateKey(agencyId, current);
    const holders: { user_id: string; public_key: Buffer }[] = await em.query(
      `SELECT g.user_id, uk.public_key FROM agency_key_grants g
         JOIN users u ON u.id = g.user_id AND u.disabled_at IS NULL AND u.agency_id = g.agency_id
         JOIN user_keys uk ON uk.user_id = g.user_id
        WHERE g.agency_id = $1 AND g.version = $2`,
      [agencyId, current],
    );
    const version = current + 1;
    const pair = this.custody.newKeyPair();
    const recovery = this.custody.newRecoveryKey();
    try {
      await em.query(
        `INSERT INTO agency_keys (agency_id, version, public_key, recovery_wrapped_key, previous_sealed_key, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          agencyId,
          version,
          pair.publicKey,
          this.custody.wrapWithRecovery(pair.privateKey, recovery.bytes, agencyId, version, pair.publicKey),
          this.custody.sealPrevious(old.privateKey, agencyId, version, pair.publicKey),
          actor.id,
        ],
      );
      for (const h of holders) await this.insertGrant(em, agencyId, version, h.user_id, h.public_key, pair.privateKey, actor.id);
      await em.query(`DELETE FROM agency_key_grants WHERE agency_id = $1 AND version < $2`, [agencyId, version]);
      await em.query(`UPDATE agencies SET public_key = $2, updated_at = now() WHERE id = $1`, [agencyId, pair.publicKey]);
      await this.audit.record(
        { action: 'agency_key.rotate', outcome: 'success', actorId: actor.id, actorRole: actor.role, agencyId, targetType: 'agency', targetId: agencyId, details: { version, members: holders.length }, requestId: requestId ?? null },
        em,
      );
      return { agencyId, version, recoveryKey: recovery.display, members: holders.length };
    } finally {
      this.custody.wipe(pair.privateKey, recovery.bytes);
    }
  }

  // ---- internals ----------------------------------------------------------------------

  private async createAgencyKey(em: EntityManager, agencyId: string, memberIds: string[], createdBy: string | null, includeInactive = false): Promise<AgencyKeySetUp> {
    const locked: unknown[] = await em.query(`SELECT 1 FROM agencies WHERE id = $1 FOR UPDATE`, [agencyId]);
    if (locked.length === 0) throw new NotFoundProblem('agency');
    if ((await this.currentVersion(em, agencyId)) !== null) throw new ConflictProblem('agency_key_exists', 'This agency already has a key.');
    // One after the other: a transaction's queries share one connection.
    const members: { public_key: Buffer }[] = [];
    for (const id of memberIds) members.push(await this.grantee(em, agencyId, id, includeInactive));
    const version = 1;
    const pair = this.custody.newKeyPair();
    const recovery = this.custody.newRecoveryKey();
    try {
      const recoveryWrapped = this.custody.wrapWithRecovery(pair.privateKey, recovery.bytes, agencyId, version, pair.publicKey);
      await em.query(
        `INSERT INTO agency_keys (agency_id, version, public_key, recovery_wrapped_key, created_by) VALUES ($1, $2, $3, $4, $5)`,
        [agencyId, version, pair.publicKey, recoveryWrapped, createdBy],
      );
      await em.query(`UPDATE agencies SET public_key = $2, updated_at = now() WHERE id = $1`, [agencyId, pair.publicKey]);
      for (let i = 0; i < memberIds.length; i++) {
        await this.insertGrant(em, agencyId, version, memberIds[i], members[i].public_key, pair.privateKey, createdBy);
      }
      return { version, recoveryKey: recovery.display };
    } finally {
      this.custody.wipe(pair.privateKey, recovery.bytes);
    }
  }

  private async insertGrant(em: EntityManager, agencyId: string, version: number, userId: string, memberPublicKey: Buffer, agencyPrivateKey: Uint8Array, grantedBy: string | null): Promise<void> {
    const sealed = this.custody.sealGroupKey(agencyPrivateKey, agencyId, version, userId, memberPublicKey);
    await em.query(
      `INSERT INTO agency_key_grants (agency_id, version, user_id, sealed_private_key, granted_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (agency_id, version, user_id) DO UPDATE SET sealed_private_key = EXCLUDED.sealed_private_key, granted_by = EXCLUDED.granted_by, created_at = now()`,
      [agencyId, version, userId, sealed, grantedBy],
    );
  }

  /** A member who may receive the key: of this agency, a key-holding role, not disabled, with a personal key. */
  private async grantee(em: EntityManager, agencyId: string, userId: string, includeInactive = false): Promise<{ public_key: Buffer }> {
    const rows: { public_key: Buffer | null; role: Role; status: string }[] = await em.query(
      `SELECT uk.public_key, u.role, u.status FROM users u LEFT JOIN user_keys uk ON uk.user_id = u.id
        WHERE u.id = $1 AND u.agency_id = $2 AND u.disabled_at IS NULL`,
      [userId, agencyId],
    );
    const row = rows[0];
    if (!row || !AGENCY_KEY_ROLES.includes(row.role)) throw new NotFoundProblem('user');
    if (!includeInactive && row.status !== 'active' && row.status !== 'awaiting_approval') throw new ConflictProblem('not_active', 'This account is not active.');
    if (!row.public_key) throw new ConflictProblem('personal_key_missing', 'This account has no personal key yet: it gets one when its holder chooses a password and signs in.');
    return { public_key: row.public_key };
  }

  private async members(em: EntityManager, agencyId: string, version: number | null): Promise<AgencyKeyMember[]> {
    const rows: { id: string; display_name: string; role: Role; holds: boolean; has_key: boolean }[] = await em.query(
      `SELECT u.id, u.display_name, u.role,
              EXISTS (SELECT 1 FROM agency_key_grants g WHERE g.agency_id = $1 AND g.version = $2 AND g.user_id = u.id) AS holds,
              EXISTS (SELECT 1 FROM user_keys k WHERE k.user_id = u.id) AS has_key
         FROM users u
        WHERE u.agency_id = $1 AND u.role = ANY($3) AND u.disabled_at IS NULL AND u.status IN ('active', 'awaiting_approval')
        ORDER BY u.display_name, u.id`,
      [agencyId, version ?? 0, AGENCY_KEY_ROLES],
    );
    return rows.map((r) => ({ userId: r.id, displayName: r.display_name, role: r.role, holdsKey: r.holds, hasPersonalKey: r.has_key }));
  }

  private async currentVersion(em: EntityManager, agencyId: string): Promise<number | null> {
    const rows: { version: number }[] = await em.query(`SELECT max(version) AS version FROM agency_keys WHERE agency_id = $1`, [agencyId]);
    return rows[0]?.version ?? null;
  }

  private async storedPersonal(em: EntityManager, userId: string): Promise<StoredPersonal | null> {
    const rows: StoredPersonal[] = await em.query(
      `SELECT public_key, password_salt, password_wrapped_key, kdf_memory, kdf_iterations, pepper_version FROM user_keys WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  private agencyOf(actor: AuthUser): string {
    if (!actor.agencyId || !AGENCY_KEY_ROLES.includes(actor.role)) throw new NotFoundProblem('agency_key');
    return actor.agencyId;
  }

  private record(em: EntityManager, actor: AuthUser, action: string, targetId: string, details: Record<string, number>, requestId?: string): Promise<void> {
    return this.audit.record(
      { action, outcome: 'success', actorId: actor.id, actorRole: actor.role, agencyId: actor.agencyId, targetType: 'user', targetId, details, requestId: requestId ?? null },
      em,
    );
  }
}

const toWrap = (s: StoredPersonal) => ({ salt: s.password_salt, wrapped: s.password_wrapped_key, memoryCost: s.kdf_memory, timeCost: s.kdf_iterations, pepperVersion: s.pepper_version });
