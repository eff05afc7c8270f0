import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { assertPassphrasePolicy, LockoutService, PasswordHasher, PasswordLoginEvent } from '@amani/auth';
import { IntegrityError } from '@amani/crypto';
import { UnprocessableProblem } from '@amani/http';
import type { SeaActor } from './sea-actor';
import { SeaAuditor, SeaAuditTarget } from './sea-auditor';
import { utcToday } from './sea-codes';
import { SeaComplaintGrant } from './sea-complaint-grant.entity';
import { SeaCrypto } from './sea-crypto';
import { SeaKeyLockedProblem, SeaKeysExistProblem, SeaKeysMissingProblem } from './sea-errors';
import { SeaFocalPointKey } from './sea-focal-point-key.entity';
import { SeaSessionKey } from './sea-session-key.entity';
import { SeaTrustService } from './sea-trust.service';
import { TransactionHost } from '@amani/database';

export interface KeyIssue {
  /** Shown once; it alone can restore access after a password reset. */
  recoveryKey: string;
  /** The X-Sea-Unlock value for this session; never stored. */
  unlockToken: string;
}

export interface KeyStatus {
  hasKeys: boolean;
  unlocked: boolean;
  publicKey: string | null;
}

export interface FocalPointView {
  userId: string;
  displayName: string;
  hasKeys: boolean;
  /** Their current key is endorsed by the team: intake seals new complaints to it. */
  endorsed: boolean;
  grantedComplaints: number;
}

export interface UnlockedKey {
  publicKey: Buffer;
  privateKey: Buffer;
}

interface SessionKeyRow {
  sealed_private_key: Buffer;
  public_key: Buffer;
}

/**
 * Focal point key custody: creation (recovery key shown once), recovery after a password
 * reset, unlocking at login for one session, and re-sealing complaint keys to a colleague.
 */
@Injectable()
export class SeaKeysService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly crypto: SeaCrypto,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LockoutService,
    private readonly auditor: SeaAuditor,
    private readonly trust: SeaTrustService,
  ) {}

  async status(actor: SeaActor, unlockToken: string | undefined): Promise<KeyStatus> {
    const key = await this.tx.manager.getRepository(SeaFocalPointKey).findOneBy({ userId: actor.id });
    let unlocked = false;
    if (key && unlockToken) {
      try {
        this.crypto.wipe((await this.unlocked(actor, unlockToken)).privateKey);
        unlocked = true;
      } catch (e) {
        if (!(e instanceof SeaKeyLockedProblem)) throw e;
      }
    }
    return { hasKeys: key !== null, unlocked, publicKey: key ? key.publicKey.toString('base64') : null };
  }

  /**
   * Creates the key pair. Replacing an existing one drops every grant sealed to it: access
   * then comes back only when a colleague grants it again.
   */
  setup(actor: SeaActor, password: string, replace: boolean): Promise<KeyIssue> {
    const target: SeaAuditTarget = { action: 'sea.keys.setup', targetType: 'sea_focal_point_key', targetId: actor.id };
    return this.auditor.run(actor, target, async () => {
      await this.verifyPassword(actor.id, password, true);
      const issued = await this.createKeys(actor, password, replace, target);
      return { recoveryKey: issued.recoveryKey, unlockToken: issued.unlockToken! };
    });
  }

  /**
   * Demo seed only: a fresh key pair for a focal point whose password the seed has just set
   * (no session is unlocked). Returns the recovery key.
   */
  async provisionForSeed(user: { id: string; agencyId: string | null }, password: string): Promise<string> {
    const actor = { id: user.id, role: 'psea_focal_point', agencyId: user.agencyId, requestId: null };
    const target: SeaAuditTarget = { action: 'sea.keys.setup', targetType: 'sea_focal_point_key', targetId: user.id };
    return (await this.createKeys(actor, password, true, target, 'seed')).recoveryKey;
  }

  private async createKeys(
    actor: { id: string; role: string; agencyId: string | null; requestId: string | null; sessionId?: string },
    password: string,
    replace: boolean,
    target: SeaAuditTarget,
    via?: string,
  ): Promise<{ recoveryKey: string; unlockToken?: string }> {
    const pair = this.crypto.newKeyPair();
    const recovery = this.crypto.newRecoveryKey();
    const signing = this.crypto.signingKeyPair(pair.privateKey);
    this.crypto.wipe(signing.secretKey);
    try {
      const pw = await this.crypto.wrapWithPassword(pair.privateKey, password, actor.id, pair.publicKey);
      const recoveryWrapped = this.crypto.wrapWithRecovery(pair.privateKey, recovery.bytes, actor.id, pair.publicKey);
      const session = actor.sessionId ? this.crypto.sealForSession(pair.privateKey, actor.sessionId, actor.id) : undefined;
      await this.tx.run(async (em) => {
        await em.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [actor.id]);
        const existing = await em.existsBy(SeaFocalPointKey, { userId: actor.id });
        if (existing && !replace) throw new SeaKeysExistProblem();
        let grantsDropped = 0;
        if (existing) {
          grantsDropped = (await em.delete(SeaComplaintGrant, { userId: actor.id })).affected ?? 0;
          await em.delete(SeaSessionKey, { userId: actor.id });
        }
        await em.save(
          em.create(SeaFocalPointKey, {
            userId: actor.id,
            publicKey: pair.publicKey,
            signingPublicKey: signing.publicKey,
            passwordSalt: pw.salt,
            passwordWrappedKey: pw.wrapped,
            kdfMemory: pw.memoryCost,
            kdfIterations: pw.timeCost,
            recoveryWrappedKey: recoveryWrapped,
          }),
        );
        if (session && actor.sessionId) await this.holdForSession(em, { id: actor.id, sessionId: actor.sessionId }, session.sealed);
        await this.auditor.success(actor, target, { replaced: existing, grantsDropped, ...(via ? { via } : {}) }, em);
      });
      return { recoveryKey: recovery.display, unlockToken: session?.token };
    } finally {
      this.crypto.wipe(pair.privateKey, recovery.bytes);
    }
  }

  /** After a password reset: the recovery key re-wraps the private key under the new password, and is replaced. */
  recover(actor: SeaActor, recoveryKey: Buffer | null, password: string): Promise<KeyIssue> {
    const target: SeaAuditTarget = { action: 'sea.keys.recover', targetType: 'sea_focal_point_key', targetId: actor.id };
    return this.auditor.run(actor, target, async () => {
      await this.verifyPassword(actor.id, password, true);
      const key = await this.tx.manager.getRepository(SeaFocalPointKey).findOneBy({ userId: actor.id });
      if (!key) throw new SeaKeysMissingProblem();
      let privateKey: Buffer;
      try {
        if (!recoveryKey) throw new IntegrityError('malformed');
        privateKey = this.crypto.unwrapWithRecovery(key.recoveryWrappedKey, recoveryKey, actor.id, key.publicKey);
      } catch (e) {
        if (!(e instanceof IntegrityError)) throw e;
        throw new UnprocessableProblem('invalid_recovery_key', 'The recovery key does not open your complaint key.', [
          { field: 'recoveryKey', message: 'does not open your complaint key' },
        ]);
      }
      const recovery = this.crypto.newRecoveryKey();
      try {
        const pw = await this.crypto.wrapWithPassword(privateKey, password, actor.id, key.publicKey);
        const recoveryWrapped = this.crypto.wrapWithRecovery(privateKey, recovery.bytes, actor.id, key.publicKey);
        const session = this.crypto.sealForSession(privateKey, actor.sessionId, actor.id);
        await this.tx.run(async (em) => {
          const res = await em.update(
            SeaFocalPointKey,
            { userId: actor.id, publicKey: key.publicKey },
            { passwordSalt: pw.salt, passwordWrappedKey: pw.wrapped, kdfMemory: pw.memoryCost, kdfIterations: pw.timeCost, recoveryWrappedKey: recoveryWrapped },
          );
          if (res.affected !== 1) throw new SeaKeysMissingProblem();
          await this.holdForSession(em, actor, session.sealed);
          await this.auditor.success(actor, target, {}, em);
        });
        return { recoveryKey: recovery.display, unlockToken: session.token };
      } finally {
        this.crypto.wipe(privateKey, recovery.bytes);
      }
    });
  }

  /**
   * Login hook: the password opens the private key, which is re-encrypted under a fresh
   * session key; the ciphertext stays here, the session key goes to the client. A password
   * that no longer opens it (reset by an administrator) leaves the key locked.
   */
  async unlockAtLogin(event: PasswordLoginEvent, em: EntityManager): Promise<string | undefined> {
    if (event.role !== 'psea_focal_point') return undefined;
    const key = await em.findOneBy(SeaFocalPointKey, { userId: event.userId });
    if (!key) return undefined;
    const actor = { id: event.userId, role: event.role, agencyId: event.agencyId, sessionId: event.sessionId, requestId: event.requestId };
    const target: SeaAuditTarget = { action: 'sea.keys.unlock', targetType: 'sea_focal_point_key', targetId: event.userId };
    let privateKey: Buffer;
    try {
      privateKey = await this.crypto.unwrapWithPassword(
        { salt: key.passwordSalt, wrapped: key.passwordWrappedKey, memoryCost: key.kdfMemory, timeCost: key.kdfIterations },
        event.password,
        event.userId,
        key.publicKey,
      );
    } catch (e) {
      if (!(e instanceof IntegrityError)) throw e;
      await this.auditor.record(actor, target, 'failure', { reason: 'password_does_not_open_key' }, em);
      return undefined;
    }
    try {
      if (!key.signingPublicKey) {
        // A key from before endorsements: its signing key can only be derived while it is open.
        const signing = this.crypto.signingKeyPair(privateKey);
        this.crypto.wipe(signing.secretKey);
        await em.update(SeaFocalPointKey, { userId: event.userId, publicKey: key.publicKey }, { signingPublicKey: signing.publicKey });
      }
      const session = this.crypto.sealForSession(privateKey, event.sessionId, event.userId);
      await this.holdForSession(em, actor, session.sealed);
      await this.auditor.success(actor, target, {}, em);
      return session.token;
    } finally {
      this.crypto.wipe(privateKey);
    }
  }

  /**
   * The caller's private key for this request: the session's record opened with the
   * client's X-Sea-Unlock value. Only live sessions count. The caller must wipe it.
   */
  async unlocked(actor: SeaActor, unlockToken: string | undefined): Promise<UnlockedKey> {
    if (!unlockToken) throw new SeaKeyLockedProblem();
    const rows: SessionKeyRow[] = await this.tx.manager.query(
      `SELECT k.sealed_private_key, f.public_key
         FROM sea_session_keys k
         JOIN auth_sessions s ON s.id = k.session_id AND s.revoked_at IS NULL AND s.expires_at > now()
         JOIN sea_focal_point_keys f ON f.user_id = k.user_id
        WHERE k.session_id = $1 AND k.user_id = $2`,
      [actor.sessionId, actor.id],
    );
    if (!rows[0]) throw new SeaKeyLockedProblem();
    try {
      return { publicKey: rows[0].public_key, privateKey: this.crypto.openForSession(rows[0].sealed_private_key, unlockToken, actor.sessionId, actor.id) };
    } catch (e) {
      if (e instanceof IntegrityError) throw new SeaKeyLockedProblem();
      throw e;
    }
  }

  /** The team: every active focal point, whether they have a key, and how many complaints they can open. */
  async focalPoints(actor: SeaActor): Promise<FocalPointView[]> {
    const rows: { id: string; display_name: string; has_keys: boolean; granted: string }[] = await this.tx.manager.query(
      `SELECT u.id, u.display_name, f.user_id IS NOT NULL AS has_keys,
              (SELECT count(*) FROM sea_complaint_grants g JOIN sea_complaints c ON c.id = g.complaint_id
                WHERE g.user_id = u.id AND c.shredded_on IS NULL) AS granted
         FROM users u LEFT JOIN sea_focal_point_keys f ON f.user_id = u.id
        WHERE u.role = 'psea_focal_point' AND u.disabled_at IS NULL AND u.status = 'active'
        ORDER BY u.display_name, u.id`,
    );
    const endorsed = new Set((await this.trust.trusted()).map((k) => k.userId));
    await this.auditor.success(actor, { action: 'sea.focal_points.list', targetType: null, targetId: null }, { count: rows.length });
    return rows.map((r) => ({
      userId: r.id,
      displayName: r.display_name,
      hasKeys: r.has_keys,
      endorsed: endorsed.has(r.id),
      grantedComplaints: Number(r.granted),
    }));
  }

  /**
   * Re-seals to a colleague every complaint key the caller holds that the colleague lacks
   * (or just one complaint's). The colleague must be an active focal point with a key.
   */
  grant(actor: SeaActor, unlockToken: string | undefined, granteeId: string, complaintId?: string): Promise<{ granted: number }> {
    const target: SeaAuditTarget = { action: 'sea.keys.grant', targetType: 'user', targetId: granteeId };
    return this.auditor.run(actor, target, async () => {
      // Only to a key the team endorsed: a key the server registered on its own gets nothing.
      const grantee = (await this.trust.trusted()).filter((k) => k.userId === granteeId).map((k) => ({ public_key: k.publicKey }));
      if (granteeId === actor.id || !grantee[0]) {
        throw new UnprocessableProblem('invalid_grantee', 'Access can be granted only to another active focal point whose key is endorsed.', [
          { field: 'userId', message: 'must be another active focal point with an endorsed key' },
        ]);
      }
      const mine = await this.unlocked(actor, unlockToken);
      try {
        return await this.tx.run(async (em) => {
          const params: unknown[] = [actor.id, granteeId];
          let only = '';
          if (complaintId) {
            params.push(complaintId);
            only = 'AND g.complaint_id = $3';
          }
          const rows: { complaint_id: string; sealed_key: Buffer }[] = await em.query(
            `SELECT g.complaint_id, g.sealed_key FROM sea_complaint_grants g
               JOIN sea_complaints c ON c.id = g.complaint_id AND c.shredded_on IS NULL
              WHERE g.user_id = $1 ${only}
                AND NOT EXISTS (SELECT 1 FROM sea_complaint_grants o WHERE o.complaint_id = g.complaint_id AND o.user_id = $2)`,
            params,
          );
          const today = utcToday();
          for (const row of rows) {
            const ck = this.crypto.openComplaintKey(row.sealed_key, row.complaint_id, mine.publicKey, mine.privateKey);
            try {
              await em
                .createQueryBuilder()
                .insert()
                .into(SeaComplaintGrant)
                .values({
                  complaintId: row.complaint_id,
                  userId: granteeId,
                  sealedKey: this.crypto.sealComplaintKey(ck, row.complaint_id, grantee[0].public_key),
                  grantedBy: actor.id,
                  grantedOn: today,
                })
                .orIgnore()
                .execute();
            } finally {
              this.crypto.wipe(ck);
            }
          }
          await this.auditor.success(actor, target, { granted: rows.length, ...(complaintId ? { complaint: complaintId } : {}) }, em);
          return { granted: rows.length };
        });
      } finally {
        this.crypto.wipe(mine.privateKey);
      }
    });
  }

  private async holdForSession(em: EntityManager, actor: { id: string; sessionId: string }, sealed: Buffer): Promise<void> {
    await em.upsert(SeaSessionKey, { sessionId: actor.sessionId, userId: actor.id, sealedPrivateKey: sealed }, ['sessionId']);
  }

  /**
   * The same reserved attempt as at login: counted before the password is checked, refused
   * unevaluated while the account is locked. A locked account answers exactly like a wrong
   * password, whether the password given was right or not.
   */
  private async verifyPassword(userId: string, password: string, wrapsKey: boolean): Promise<void> {
    const wrong = () =>
      new UnprocessableProblem('wrong_password', 'The password is not your current password.', [
        { field: 'password', message: 'is not your current password' },
      ]);
    const rows: { password_hash: string | null; email: string; display_name: string }[] = await this.tx.manager.query(
      `SELECT password_hash, email, display_name FROM users WHERE id = $1 AND disabled_at IS NULL AND status = 'active'`,
      [userId],
    );
    // A password that wraps the complaint key meets the passphrase policy (checked before the
    // password itself, so the answer says nothing about whether it is the right one).
    if (wrapsKey && rows[0]) assertPassphrasePolicy(password, { email: rows[0].email, displayName: rows[0].display_name });
    const stored = rows[0]?.password_hash;
    const reservation = stored ? await this.lockout.reserve(userId) : null;
    if (!stored || !reservation) {
      await this.hasher.verifyDummy(password);
      throw wrong();
    }
    const ok = await this.hasher.verify(stored, password);
    if (!ok || !(await this.lockout.succeed(userId, reservation))) throw wrong();
  }
}
