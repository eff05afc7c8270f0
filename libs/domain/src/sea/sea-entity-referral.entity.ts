import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { SEA_INTERIM_MEASURES, SeaInterimMeasure } from './sea-codes';
import { SeaComplaint } from './sea-complaint.entity';
import { SeaInvestigatingEntity } from './sea-investigating-entity.entity';

/**
 * A complaint's referral to the entity concerned for investigation: to whom, the day it was
 * referred and acknowledged, and the interim measures reported (coded, counted); anything the
 * focal point writes about them is sealed under the complaint key like the narrative.
 * Day precision only, as for the complaint itself.
 */
@Entity({ name: 'sea_entity_referrals' })
@Check('sea_entity_referrals_interim_measures_check', `interim_measures <@ ARRAY[${SEA_INTERIM_MEASURES.map((m) => `'${m}'`).join(', ')}]::varchar[]`)
@Check('sea_entity_referrals_acknowledged_check', `acknowledged_on IS NULL OR acknowledged_on >= referred_on`)
export class SeaEntityReferral {
  @PrimaryColumn({ name: 'complaint_id', type: 'uuid' })
  complaintId: string;

  @OneToOne(() => SeaComplaint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'complaint_id', foreignKeyConstraintName: 'sea_entity_referrals_complaint_id_fkey' })
  complaint?: SeaComplaint;

  @Index('sea_entity_referrals_entity_idx')
  @Column({ name: 'entity_id', type: 'uuid' })
  entityId: string;

  @ManyToOne(() => SeaInvestigatingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'entity_id', foreignKeyConstraintName: 'sea_entity_referrals_entity_id_fkey' })
  entity?: SeaInvestigatingEntity;

  @Column({ name: 'referred_on', type: 'date' })
  referredOn: string;

  @Column({ name: 'acknowledged_on', type: 'date', nullable: true })
  acknowledgedOn: string | null;

  @Column({ name: 'interim_measures', type: 'varchar', array: true, default: () => "'{}'" })
  interimMeasures: SeaInterimMeasure[];

  /** Sealed under the complaint key. */
  @Column({ name: 'interim_note', type: 'bytea', nullable: true })
  interimNote: Buffer | null;
}
