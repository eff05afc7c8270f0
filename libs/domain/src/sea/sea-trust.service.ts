import { Injectable } from '@nestjs/common';
import { SeaCrypto } from './sea-crypto';

import { SeaEndorsementRecord, SeaKeysRepository } from './sea-keys.repository';

/** An active focal point whose current key is endorsed through a chain that verifies. */
export interface TrustedKey {
  userId: string;
  publicKey: Buffer;
  /** The endorsement row that vouches for this key (the parent of endorsements it signs). */
  endorsementId: string;
}

/**
 * Which focal point keys the team vouches for, recomputed from the signatures every time
 * (a row the server inserted or altered without a focal point's signing key does not verify).
 */
@Injectable()
export class SeaTrustService {
  constructor(
    private readonly repo: SeaKeysRepository,
    private readonly crypto: SeaCrypto,
  ) {}

  /**
   * The keys intake may seal to: every active, enabled focal point whose current key has an
   * endorsement that verifies, with its signer's endorsement verifying in turn, up to a
   * bootstrap signature. Reads join the transaction open in the caller's context.
   */
  async trusted(): Promise<TrustedKey[]> {
    const rows = await this.repo.endorsements();
    const verified = this.verifiedChain(rows);
    const out: TrustedKey[] = [];
    for (const key of await this.repo.currentKeys()) {
      if (!key.active || !key.signingPublicKey) continue;
      const row = rows.find(
        (r) => verified.has(r.id) && r.userId === key.userId && r.publicKey.equals(key.publicKey) && r.signingPublicKey.equals(key.signingPublicKey!),
      );
      if (row) out.push({ userId: key.userId, publicKey: key.publicKey, endorsementId: row.id });
    }
    return out;
  }

  /** Endorsement rows whose signature chain verifies to the bootstrap key. */
  private verifiedChain(rows: SeaEndorsementRecord[]): Set<string> {
    const byId = new Map(rows.map((r) => [r.id, r]));
    const bootstrap = this.crypto.bootstrapPublicKey();
    const verdict = new Map<string, boolean>();
    const check = (row: SeaEndorsementRecord, depth: number): boolean => {
      const known = verdict.get(row.id);
      if (known !== undefined) return known;
      if (depth > rows.length) return false;
      const subject = { userId: row.userId, publicKey: row.publicKey, signingPublicKey: row.signingPublicKey };
      let ok: boolean;
      if (row.parentId === null) {
        ok = row.endorserId === null && this.crypto.verifyEndorsement(subject, row.signature, bootstrap);
      } else {
        const parent = byId.get(row.parentId);
        ok =
          parent !== undefined &&
          parent.userId === row.endorserId &&
          parent.userId !== row.userId &&
          check(parent, depth + 1) &&
          this.crypto.verifyEndorsement(subject, row.signature, parent.signingPublicKey);
      }
      verdict.set(row.id, ok);
      return ok;
    };
    return new Set(rows.filter((r) => check(r, 0)).map((r) => r.id));
  }
}
