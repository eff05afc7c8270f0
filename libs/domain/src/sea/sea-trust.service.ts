import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { SeaCrypto } from './sea-crypto';

/** An active focal point whose current key is endorsed through a chain that verifies. */
export interface TrustedKey {
  userId: string;
  publicKey: Buffer;
  /** The endorsement row that vouches for this key (the parent of endorsements it signs). */
  endorsementId: string;
}

export interface CurrentKeyRow {
  user_id: string;
  public_key: Buffer;
  signing_public_key: Buffer | null;
  active: boolean;
}

interface EndorsementRow {
  id: string;
  user_id: string;
  public_key: Buffer;
  signing_public_key: Buffer;
  endorser_id: string | null;
  parent_id: string | null;
  signature: Buffer;
}

/**
 * Which focal point keys the team vouches for, recomputed from the signatures every time
 * (a row the server inserted or altered without a focal point's signing key does not verify).
 */
@Injectable()
export class SeaTrustService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly crypto: SeaCrypto,
  ) {}

  /**
   * The keys intake may seal to: every active, enabled focal point whose current key has an
   * endorsement that verifies, with its signer's endorsement verifying in turn, up to a
   * bootstrap signature.
   */
  async trusted(em?: EntityManager): Promise<TrustedKey[]> {
    const manager = em ?? this.tx.manager;
    const rows: EndorsementRow[] = await manager.query(
      `SELECT id, user_id, public_key, signing_public_key, endorser_id, parent_id, signature
         FROM sea_key_endorsements ORDER BY created_at, id`,
    );
    const verified = this.verifiedChain(rows);
    const current: CurrentKeyRow[] = await manager.query(
      `SELECT f.user_id, f.public_key, f.signing_public_key,
              (u.role = 'psea_focal_point' AND u.status = 'active' AND u.disabled_at IS NULL) AS active
         FROM sea_focal_point_keys f JOIN users u ON u.id = f.user_id`,
    );
    const out: TrustedKey[] = [];
    for (const key of current) {
      if (!key.active || !key.signing_public_key) continue;
      const row = rows.find(
        (r) => verified.has(r.id) && r.user_id === key.user_id && r.public_key.equals(key.public_key) && r.signing_public_key.equals(key.signing_public_key!),
      );
      if (row) out.push({ userId: key.user_id, publicKey: key.public_key, endorsementId: row.id });
    }
    return out;
  }

  /** Endorsement rows whose signature chain verifies to the bootstrap key. */
  private verifiedChain(rows: EndorsementRow[]): Set<string> {
    const byId = new Map(rows.map((r) => [r.id, r]));
    const bootstrap = this.crypto.bootstrapPublicKey();
    const verdict = new Map<string, boolean>();
    const check = (row: EndorsementRow, depth: number): boolean => {
      const known = verdict.get(row.id);
      if (known !== undefined) return known;
      if (depth > rows.length) return false;
      const subject = { userId: row.user_id, publicKey: row.public_key, signingPublicKey: row.signing_public_key };
      let ok: boolean;
      if (row.parent_id === null) {
        ok = row.endorser_id === null && this.crypto.verifyEndorsement(subject, row.signature, bootstrap);
      } else {
        const parent = byId.get(row.parent_id);
        ok =
          parent !== undefined &&
          parent.user_id === row.endorser_id &&
          parent.user_id !== row.user_id &&
          check(parent, depth + 1) &&
          this.crypto.verifyEndorsement(subject, row.signature, parent.signing_public_key);
      }
      verdict.set(row.id, ok);
      return ok;
    };
    return new Set(rows.filter((r) => check(r, 0)).map((r) => r.id));
  }
}

