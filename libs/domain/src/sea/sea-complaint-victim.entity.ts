import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { sqlIn } from '@amani/domain/cases';
import {
  SEA_VICTIM_AGE_BANDS,
  SEA_VICTIM_ASSISTANCE_STATUSES,
  SEA_VICTIM_SEXES,
  SeaVictimAgeBand,
  SeaVictimAssistanceStatus,
  SeaVictimSex,
} from './sea-codes';
import { SeaComplaint } from './sea-complaint.entity';

/**
 * One victim of a complaint (a complaint may concern several), recorded by a focal point:
 * coded sex, age band and assistance status (counted in the SEA statistics), and a sealed
 * description under the complaint key (who they are, how to reach them: never plain).
 */
@Entity({ name: 'sea_complaint_victims' })
@Check('sea_complaint_victims_sex_check', sqlIn('sex', SEA_VICTIM_SEXES))
@Check('sea_complaint_victims_age_band_check', sqlIn('age_band', SEA_VICTIM_AGE_BANDS))
@Check('sea_complaint_victims_assistance_status_check', sqlIn('assistance_status', SEA_VICTIM_ASSISTANCE_STATUSES))
@Check(
  'sea_complaint_victims_referred_on_check',
  `(assistance_referred_on IS NOT NULL) = (assistance_status IN ('referred', 'receiving'))`,
)
@Index('sea_complaint_victims_complaint_idx', ['complaintId', 'seq'], { unique: true })
export class SeaComplaintVictim {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'complaint_id', type: 'uuid' })
  complaintId: string;

  @ManyToOne(() => SeaComplaint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'complaint_id', foreignKeyConstraintName: 'sea_complaint_victims_complaint_id_fkey' })
  complaint?: SeaComplaint;

  /** 1, 2, … within the complaint: how focal points tell victims apart without naming them. */
  @Column({ type: 'smallint' })
  seq: number;

  @Column({ type: 'varchar', length: 16 })
  sex: SeaVictimSex;

  @Column({ name: 'age_band', type: 'varchar', length: 16 })
  ageBand: SeaVictimAgeBand;

  @Column({ name: 'assistance_status', type: 'varchar', length: 16, default: 'not_assessed' })
  assistanceStatus: SeaVictimAssistanceStatus;

  /** The day the victim was first referred to assistance. */
  @Column({ name: 'assistance_referred_on', type: 'date', nullable: true })
  assistanceReferredOn: string | null;

  /** Sealed under the complaint key; null once shredded or when none was written. */
  @Column({ type: 'bytea', nullable: true })
  description: Buffer | null;
}
