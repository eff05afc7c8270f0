import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * What is left of a receipt whose complaint the complainant withdrew: its lookup tag and
 * verifier, so the receipt still answers "withdrawn" — and nothing else. No complaint id, no
 * key, no coded field: it opens nothing and links to no row. The retention job deletes it
 * after SEA_WITHDRAWN_RECEIPT_DAYS.
 */
@Entity({ name: 'sea_withdrawn_receipts' })
export class SeaWithdrawnReceipt {
  /** Random; unrelated to the complaint's id. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index('sea_withdrawn_receipts_receipt_tag_idx')
  @Column({ name: 'receipt_tag', type: 'bytea' })
  receiptTag: Buffer;

  @Column({ name: 'receipt_verifier', type: 'bytea' })
  receiptVerifier: Buffer;

  /** Day only, like everything a complainant does. */
  @Column({ name: 'withdrawn_on', type: 'date' })
  withdrawnOn: string;
}
