import type { EntityManager } from 'typeorm';
import { SEA_SEALED_FIELDS } from './sea-sealed-fields';

/** Every sealed column of a complaint row, from the one map: shredding clears each of them. */
const SHRED_COLUMNS = Object.values(SEA_SEALED_FIELDS.sea_complaints).map((f) => `${f.column} = NULL`);

/**
 * Crypto-shreds complaints, the one way every path does it (retention, and any use case that
 * ends a complaint early): content, receipt material, grants, conversation, notes, evidence
 * (attachments and their sealed chunks), pending assistance payloads, victims' descriptions
 * and the entity referral's note go; the coded columns stay for the statistics and `shredded_on` is set. Runs on the caller's transaction.
 */
export async function shredSeaComplaints(em: EntityManager, ids: string[], today: string): Promise<void> {
  if (ids.length === 0) return;
  await em.query(`DELETE FROM sea_complaint_grants WHERE complaint_id = ANY($1)`, [ids]);
  await em.query(`DELETE FROM sea_complaint_attachments WHERE complaint_id = ANY($1)`, [ids]); // chunks cascade
  await em.query(`DELETE FROM sea_complaint_messages WHERE complaint_id = ANY($1)`, [ids]);
  await em.query(`DELETE FROM sea_complaint_notes WHERE complaint_id = ANY($1)`, [ids]);
  await em.query(`DELETE FROM sea_assistance_requests WHERE complaint_id = ANY($1) AND status = 'pending'`, [ids]);
  // Victims and the entity referral keep their coded columns for the statistics; what was written about them goes.
  await em.query(`UPDATE sea_complaint_victims SET description = NULL WHERE complaint_id = ANY($1)`, [ids]);
  await em.query(`UPDATE sea_entity_referrals SET interim_note = NULL WHERE complaint_id = ANY($1)`, [ids]);
  await em.query(
    `UPDATE sea_complaints SET ${SHRED_COLUMNS.join(', ')}, receipt_tag = NULL, receipt_verifier = NULL,
            receipt_wrapped_key = NULL, shredded_on = $2
      WHERE id = ANY($1)`,
    [ids, today],
  );
}
