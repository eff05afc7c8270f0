import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { REGION_CODE_SQL_PATTERN } from './location-codes';

/** Deepest administrative level a gazetteer row may have (0 = country). */
export const MAX_ADMIN_LEVEL = 4;

/**
 * One place of the deployment's gazetteer (OCHA common operational datasets): its P-code,
 * administrative level, parent and names per language. Public reference data, never
 * survivor data; every region code stored elsewhere is one of these P-codes.
 */
@Entity('locations')
@Check('locations_p_code_check', `p_code ~ '${REGION_CODE_SQL_PATTERN}'`)
@Check('locations_admin_level_check', `admin_level BETWEEN 0 AND ${MAX_ADMIN_LEVEL}`)
@Check('locations_names_check', `jsonb_typeof(names) = 'object'`)
export class Location {
  @PrimaryColumn({ name: 'p_code', type: 'varchar', length: 32, primaryKeyConstraintName: 'locations_pkey' })
  pCode: string;

  @Column({ name: 'admin_level', type: 'smallint' })
  adminLevel: number;

  @Index('locations_parent_idx')
  @Column({ name: 'parent_p_code', type: 'varchar', length: 32, nullable: true })
  parentPCode: string | null;

  @ManyToOne(() => Location, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_p_code', foreignKeyConstraintName: 'locations_parent_fk' })
  parent?: Location | null;

  /** Names by language code (en, fr, ar, es, …). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  names: Record<string, string>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
