import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { assertPassphrasePolicy, LockoutService, PasswordHasher, PasswordLoginEvent } from '@amani/auth';
import { IntegrityError } from '@amani/crypto';
import { UnprocessableProblem } from '@amani/http';
import type { SeaActor } from './sea-actor';
import { SeaAuditor, SeaAuditTarget } from './sea-auditor';
import { utcToday } from './sea-codes';
import { SeaCrypto } from './sea-crypto';
import { SeaKeyLockedProblem, SeaKeysExistProblem, SeaKeysMissingProblem } from './sea-errors';
import { SeaKeysRepository } from './sea-keys.repository';
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

/**
 * Focal point key custody: creation (recovery key shown once), recovery after a password
 * reset, unlocking at login for one session, and re-sealing complaint keys to a colleague.
 */
@Injectable()
export class SeaKeysService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: SeaKeysRepository,
    private readonly crypto: SeaCrypto,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LockoutService,
    private readonly auditor: SeaAuditor,
    private readonly trust: SeaTrustService,
  ) {}

  async status(actor: SeaActor, unlockToken: string | undefined): Promise<KeyStatus> {
    const key = await this.repo.findKey(actor.id);
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
        await this.repo.lockUser(actor.id);
        const existing = (await this.repo.findKey(actor.id)) !== null;
        if (existing && !replace) throw new SeaKeysExistProblem();
        const grantsDropped = existing ? await this.repo.dropGrantsAndSessions(actor.id) : 0;
        await this.repo.saveKey({
          userId: actor.id,
          publicKey: pair.publicKey,
          signingPublicKey: signing.publicKey,
          passwordSalt: pw.salt,
          passwordWrappedKey: pw.wrapped,
          kdfMemory: pw.memoryCost,
          kdfIterations: pw.timeCost,
          recoveryWrappedKey: recoveryWrapped,
        });
        if (session && actor.sessionId) await this.repo.holdForSession(actor.sessionId, actor.id, session.sealed);
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
      const key = await this.repo.findKey(actor.id);
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
          const updated = await this.repo.updateWraps(actor.id, key.publicKey, {
            passwordSalt: pw.salt,
            passwordWrappedKey: pw.wrapped,
            kdfMemory: pw.memoryCost,
            kdfIterations: pw.timeCost,
            recoveryWrappedKey: recoveryWrapped,
          });
          if (!updated) throw new SeaKeysMissingProblem();
          await this.repo.holdForSession(actor.sessionId, actor.id, session.sealed);
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
   * that no longer opens it (reset by an administrator) leaves the key locked. `em` is the
   * login's transaction, which the repository joins (the hook runs inside its TransactionHost.run).
   */
  async unlockAtLogin(event: PasswordLoginEvent, em: EntityManager): Promise<string | undefined> {
    if (event.role !== 'psea_focal_point') return undefined;
    const key = await this.repo.findKey(event.userId);
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
        await this.repo.setSigningKey(event.userId, key.publicKey, signing.publicKey);
      }
      const session = this.crypto.sealForSession(privateKey, event.sessionId, event.userId);
      await this.repo.holdForSession(event.sessionId, event.userId, session.sealed);
      await this.auditor.success(actor, target, {}, em);
      return session.token;
    } finally {
      this.crypto.wipe(privateKey);
    }
  }

  /**
   * Unlocking later in a session (the console's unlock page, or a session whose client lost
   * its half): the same reserved password attempt as sign-in (lockout, audit), then as at
   * login the key is re-encrypted under a fresh session key held for this session only.
   * A current password that no longer opens the key (reset by an administrator) is a 422
   * asking for the recovery key; no key at all is 409 `sea_keys_missing`.
   */
  unlock(actor: SeaActor, password: string): Promise<string> {
    const target: SeaAuditTarget = { action: 'sea.keys.unlock', targetType: 'sea_focal_point_key', targetId: actor.id };
    return this.auditor.run(actor, target, async () => {
      await this.verifyPassword(actor.id, password, false);
      const key = await this.repo.findKey(actor.id);
      if (!key) throw new SeaKeysMissingProblem();
      let privateKey: Buffer;
      try {
        privateKey = await this.crypto.unwrapWithPassword(
          { salt: key.passwordSalt, wrapped: key.passwordWrappedKey, memoryCost: key.kdfMemory, timeCost: key.kdfIterations },
          password,
          actor.id,
          key.publicKey,
        );
      } catch (e) {
        if (!(e instanceof IntegrityError)) throw e;
        throw new UnprocessableProblem('key_needs_recovery', 'Your password no longer opens your complaint key: recover it with your recovery key.', [
          { field: 'password', message: 'does not open your complaint key; use your recovery key' },
        ]);
      }
      try {
        const session = this.crypto.sealForSession(privateKey, actor.sessionId, actor.id);
        await this.tx.run(async (em) => {
          await this.repo.holdForSession(actor.sessionId, actor.id, session.sealed);
          await this.auditor.success(actor, target, { via: 'unlock' }, em);
        });
        return session.token;
      } finally {
        this.crypto.wipe(privateKey);
      }
    });
  }

  /**
   * The caller's private key for this request: the session's record opened with the
   * client's X-Sea-Unlock value. Only live sessions count. The caller must wipe it.
   */
  async unlocked(actor: SeaActor, unlockToken: string | undefined): Promise<UnlockedKey> {
    if (!unlockToken) throw new SeaKeyLockedProblem();
    const held = await this.repo.sessionKey(actor.sessionId, actor.id);
    if (!held) throw new SeaKeyLockedProblem();
    try {
      return { publicKey: held.publicKey, privateKey: this.crypto.openForSession(held.sealedPrivateKey, unlockToken, actor.sessionId, actor.id) };
    } catch (e) {
      if (e instanceof IntegrityError) throw new SeaKeyLockedProblem();
      throw e;
    }
  }

  /** The team: every active focal point, whether they have a key, and how many complaints they can open. */
  async focalPoints(actor: SeaActor): Promise<FocalPointView[]> {
    const rows = await this.repo.focalPoints();
    const endorsed = new Set((await this.trust.trusted()).map((k) => k.userId));
    await this.auditor.success(actor, { action: 'sea.focal_points.list', targetType: null, targetId: null }, { count: rows.length });
    return rows.map((r) => ({ ...r, endorsed: endorsed.has(r.userId) }));
  }

  /**
   * Re-seals to a colleague every complaint key the caller holds that the colleague lacks
   * (or just one complaint's). The colleague must be an active focal point with a key.
   */
  grant(actor: SeaActor, unlockToken: string | undefined, granteeId: string, complaintId?: string): Promise<{ granted: number }> {
    const target: SeaAuditTarget = { action: 'sea.keys.grant', targetType: 'user', targetId: granteeId };
    return this.auditor.run(actor, target, async () => {
      // Only to a key the team endorsed: a key the server registered on its own gets nothing.
      const grantee = (await this.trust.trusted()).find((k) => k.userId === granteeId);
      if (granteeId === actor.id || !grantee) {
        throw new UnprocessableProblem('invalid_grantee', 'Access can be granted only to another active focal point whose key is endorsed.', [
          { field: 'userId', message: 'must be another active focal point with an endorsed key' },
        ]);
      }
      const mine = await this.unlocked(actor, unlockToken);
      try {
        return await this.tx.run(async (em) => {
          const rows = await this.repo.grantsToShare(actor.id, granteeId, complaintId);
          const today = utcToday();
          for (const row of rows) {
            const ck = this.crypto.openComplaintKey(row.sealedKey, row.complaintId, mine.publicKey, mine.privateKey);
            try {
              await this.repo.addGrant({
                complaintId: row.complaintId,
                userId: granteeId,
                sealedKey: this.crypto.sealComplaintKey(ck, row.complaintId, grantee.publicKey),
                grantedBy: actor.id,
                grantedOn: today,
              });
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
    const account = await this.repo.credentials(userId);
    // A password that wraps the complaint key meets the passphrase policy (checked before the
    // password itself, so the answer says nothing about whether it is the right one).
    if (wrapsKey && account) assertPassphrasePolicy(password, { email: account.email, displayName: account.displayName });
    const stored = account?.passwordHash;
    const reservation = stored ? await this.lockout.reserve(userId) : null;
    if (!stored || !reservation) {
      await this.hasher.verifyDummy(password);
      throw wrong();
    }
    const ok = await this.hasher.verify(stored, password);
    if (!ok || !(await this.lockout.succeed(userId, reservation))) throw wrong();
  }
}
