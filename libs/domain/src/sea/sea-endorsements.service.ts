import { Injectable } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import { TransactionHost } from '@amani/database';
import { ConflictProblem, UnprocessableProblem } from '@amani/http';
import type { SeaActor } from './sea-actor';
import { SeaAuditor, SeaAuditTarget } from './sea-auditor';
import { SeaCrypto } from './sea-crypto';
import { SeaKeysRepository } from './sea-keys.repository';
import { SeaKeysService } from './sea-keys.service';
import { SeaTrustService } from './sea-trust.service';

/**
 * Focal point keys are endorsed, not just registered: an active focal point with an
 * unlocked key signs (user id ‖ X25519 public key ‖ Ed25519 public key) of a colleague's new
 * key with their own signing key, and intake seals complaints only to keys whose chain of
 * signatures verifies back to the deployment's bootstrap key. The server holds no focal
 * point's signing key, so it cannot add a key to the team on its own; only the bootstrap
 * step (an operator on the server, audited) can, and the CLI refuses it once a team exists.
 */
@Injectable()
export class SeaEndorsementsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: SeaKeysRepository,
    private readonly crypto: SeaCrypto,
    private readonly keys: SeaKeysService,
    private readonly auditor: SeaAuditor,
    private readonly audit: AuditService,
    private readonly trust: SeaTrustService,
  ) {}

  /** POST /sea/focal-points/:userId/endorsement: the caller vouches for a colleague's current key. */
  endorse(actor: SeaActor, unlockToken: string | undefined, userId: string): Promise<{ endorsed: true }> {
    const target: SeaAuditTarget = { action: 'sea.keys.endorse', targetType: 'user', targetId: userId };
    return this.auditor.run(actor, target, async () => {
      const trusted = await this.trust.trusted();
      const mine = trusted.find((k) => k.userId === actor.id);
      if (!mine) {
        throw new ConflictProblem('endorser_not_endorsed', 'Your own complaint key must be endorsed before you can endorse a colleague.');
      }
      if (userId === actor.id) throw invalidSubject();
      const subject = await this.repo.currentKey(userId);
      if (!subject?.active || !subject.signingPublicKey) throw invalidSubject();
      if (trusted.some((k) => k.userId === userId)) {
        throw new ConflictProblem('already_endorsed', 'This colleague’s current key is already endorsed.');
      }
      const unlocked = await this.keys.unlocked(actor, unlockToken);
      const signer = this.crypto.signingKeyPair(unlocked.privateKey);
      try {
        const subjectKey = { userId, publicKey: subject.publicKey, signingPublicKey: subject.signingPublicKey };
        const signature = this.crypto.signEndorsement(subjectKey, signer.secretKey);
        await this.tx.run(async (em) => {
          await this.repo.insertEndorsement({ ...subjectKey, endorserId: actor.id, parentId: mine.endorsementId, signature });
          await this.auditor.success(actor, target, {}, em);
        });
        return { endorsed: true as const };
      } finally {
        this.crypto.wipe(unlocked.privateKey, signer.secretKey);
      }
    });
  }

  /**
   * `sea:bootstrap-focal-point`: the deployment key endorses the very first focal point.
   * Refused once any focal point key is trusted: from then on only colleagues endorse.
   */
  async bootstrapFirst(userId: string, via: string): Promise<void> {
    if ((await this.trust.trusted()).length > 0) {
      throw new ConflictProblem('team_exists', 'A focal point key is already endorsed; colleagues endorse new keys from now on.');
    }
    await this.endorseWithDeploymentKey(userId, via);
  }

  /**
   * Signs with the deployment's bootstrap key, audited with `via`. Server-side only: the
   * bootstrap command (after its check) and test fixtures.
   */
  async endorseWithDeploymentKey(userId: string, via: string): Promise<void> {
    await this.tx.run(async (em) => {
      const subject = await this.repo.currentKey(userId, true);
      if (!subject?.active || !subject.signingPublicKey) throw invalidSubject();
      const subjectKey = { userId, publicKey: subject.publicKey, signingPublicKey: subject.signingPublicKey };
      const endorsement = await this.repo.insertEndorsement({ ...subjectKey, endorserId: null, parentId: null, signature: this.crypto.signEndorsement(subjectKey, 'bootstrap') });
      await this.audit.record(
        {
          action: 'sea.keys.bootstrap_endorse',
          outcome: 'success',
          actorId: null,
          actorRole: null,
          agencyId: null,
          targetType: 'user',
          targetId: userId,
          details: { via, endorsement },
          requestId: null,
        },
        em,
      );
    });
  }

}

function invalidSubject(): UnprocessableProblem {
  return new UnprocessableProblem('invalid_endorsee', 'Only another active focal point who has set up a complaint key can be endorsed.', [
    { field: 'userId', message: 'must be another active focal point with a key' },
  ]);
}
