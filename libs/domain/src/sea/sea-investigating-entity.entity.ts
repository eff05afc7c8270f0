import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { sqlIn } from '@amani/domain/cases';
import { SEA_ENTITY_TYPES, SeaEntityType } from './sea-codes';

/**
 * The directory of entities whose personnel a complaint may concern (a peacekeeping
 * contingent, a UN agency, an implementing partner…) with the PSEA contact a focal point
 * refers allegations to. Organisational data, not about any complainant: plain columns.
 */
@Entity({ name: 'sea_entities' })
@Check('sea_entities_entity_type_check', sqlIn('entity_type', SEA_ENTITY_TYPES))
@Check('sea_entities_name_check', `length(btrim(name)) > 0`)
@Index('sea_entities_name_key', ['name'], { unique: true })
export class SeaInvestigatingEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 32 })
  entityType: SeaEntityType;

  /** How the entity's PSEA focal point is reached (an office address, e-mail or phone). */
  @Column({ name: 'psea_contact', type: 'varchar', length: 300 })
  pseaContact: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_on', type: 'date' })
  createdOn: string;
}
