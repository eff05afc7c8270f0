import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EnvelopeCrypto } from '@amani/crypto';
import { TransactionHost } from '@amani/database';
import { SeaIntegrityError } from './sea-errors';
import { SEA_ASSISTANCE_KEY_PURPOSE, SeaSealer } from './sea-sealed-fields';

/** A live complaint as its complainant's control needs it, locked for the transaction. */
export interface LockedComplaint {
  id: string;
  /** Set once a focal point assessed the codes: only then does the coded row stay for statistics. */
  codedConfirmedOn: string | null;
  verifier: Buffer;
}

/** New receipt material for a complaint: tag, verifier and the complaint key wrapped under the new receipt. */
export interface ReceiptMaterial {
  tag: Buffer;
  verifier: Buffer;
  wrappedKey: Buffer;
}

/**
 * Statements of the complainant's control over their complaint (withdraw, erase contact,
 * decline messages, change receipt). They run on the transaction open in the caller's
 * context; each first locks the complaint row and checks the receipt that opened it is still
 * the complaint's receipt, so two concurrent actions cannot interleave.
 */
export abstract class SeaComplainantControlRepository {
  /** The live complaint, locked FOR UPDATE, when `verifier` is still its receipt's; null otherwise. */
  abstract lockLive(id: string, verifier: Buffer): Promise<LockedComplaint | null>;
  /**
   * Keeps the withdrawn receipt's tag and verifier apart, linked to nothing (random id, the
   * day), so the receipt answers "withdrawn" and opens nothing.
   */
  abstract retireReceipt(receipt: { tag: Buffer; verifier: Buffer }, today: string): Promise<void>;
  /** A shredded complaint's coded row, now status `withdrawn` (kept for statistics). */
  abstract markWithdrawn(id: string, today: string): Promise<void>;
  /** Deletes the complaint row; grants, messages, notes, victims, entity referral and assistance links go with it (ON DELETE CASCADE). */
  abstract deleteComplaint(id: string): Promise<void>;
  /** Nulls the contact ciphertext and the contact in pending assistance requests' shared fields. */
  abstract eraseContact(id: string): Promise<void>;
  abstract declineMessages(id: string, today: string): Promise<void>;
  abstract replaceReceipt(id: string, next: ReceiptMaterial): Promise<void>;
}

@Injectable()
export class TypeOrmSeaComplainantControlRepository extends SeaComplainantControlRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly envelope: EnvelopeCrypto,
    private readonly sealer: SeaSealer,
  ) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  async lockLive(id: string, verifier: Buffer): Promise<LockedComplaint | null> {
    const rows: { id: string; coded_confirmed_on: string | null; receipt_verifier: Buffer }[] = await this.em.query(
      `SELECT id, coded_confirmed_on::text AS coded_confirmed_on, receipt_verifier FROM sea_complaints
        WHERE id = $1 AND shredded_on IS NULL AND receipt_verifier = $2 FOR UPDATE`,
      [id, verifier],
    );
    const r = rows[0];
    return r ? { id: r.id, codedConfirmedOn: r.coded_confirmed_on, verifier: r.receipt_verifier } : null;
  }

  async retireReceipt(receipt: { tag: Buffer; verifier: Buffer }, today: string): Promise<void> {
    await this.em.query(`INSERT INTO sea_withdrawn_receipts (id, receipt_tag, receipt_verifier, withdrawn_on) VALUES ($1, $2, $3, $4)`, [
      randomUUID(),
      receipt.tag,
      receipt.verifier,
      today,
    ]);
  }

  async markWithdrawn(id: string, today: string): Promise<void> {
    await this.em.query(`UPDATE sea_complaints SET status = 'withdrawn', status_changed_on = $2 WHERE id = $1 AND shredded_on IS NOT NULL`, [id, today]);
  }

  async deleteComplaint(id: string): Promise<void> {
    await this.em.query(`DELETE FROM sea_complaints WHERE id = $1`, [id]);
  }

  async eraseContact(id: string): Promise<void> {
    await this.em.query(`UPDATE sea_complaints SET contact = NULL WHERE id = $1`, [id]);
    // The victim's safe contact may also wait in a pending assistance request: re-seal its
    // shared fields without it (under a fresh nonce, same data key and agency binding).
    const pending: { id: string; agency_id: string; payload: Buffer; wrapped_key: Buffer; kek_version: number }[] = await this.em.query(
      `SELECT id, agency_id, payload, wrapped_key, kek_version FROM sea_assistance_requests
        WHERE complaint_id = $1 AND status = 'pending' FOR UPDATE`,
      [id],
    );
    for (const r of pending) {
      const dek = this.envelope.unwrapDataKey({ wrapped: r.wrapped_key, kekVersion: r.kek_version }, { keyId: r.id, purpose: SEA_ASSISTANCE_KEY_PURPOSE });
      try {
        const row = { id: r.id, agencyId: r.agency_id };
        const shared = this.sealer.openRow('sea_assistance_requests', { request: dek }, row, { payload: r.payload }).payload;
        if (typeof shared !== 'object' || shared === null) throw new SeaIntegrityError();
        const resealed = this.sealer.sealRow('sea_assistance_requests', { request: dek }, row, { payload: { ...shared, contact: null } });
        await this.em.query(`UPDATE sea_assistance_requests SET payload = $2 WHERE id = $1`, [r.id, resealed.payload]);
      } finally {
        dek.fill(0);
      }
    }
  }

  async declineMessages(id: string, today: string): Promise<void> {
    await this.em.query(`UPDATE sea_complaints SET messages_declined_on = $2 WHERE id = $1 AND messages_declined_on IS NULL`, [id, today]);
  }

  async replaceReceipt(id: string, next: ReceiptMaterial): Promise<void> {
    await this.em.query(`UPDATE sea_complaints SET receipt_tag = $2, receipt_verifier = $3, receipt_wrapped_key = $4 WHERE id = $1`, [
      id,
      next.tag,
      next.verifier,
      next.wrappedKey,
    ]);
  }
}
