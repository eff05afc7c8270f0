import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import type { SeaEntityType, SeaInterimMeasure, SeaVictimAgeBand, SeaVictimAssistanceStatus, SeaVictimSex } from './sea-codes';
import { SeaComplaintVictim } from './sea-complaint-victim.entity';
import type { SeaComplaintKey } from './sea-complaints.repository';
import { SeaEntityReferral } from './sea-entity-referral.entity';
import { SeaInvestigatingEntity } from './sea-investigating-entity.entity';
import { SeaSealer } from './sea-sealed-fields';

export interface SeaEntityView {
  id: string;
  name: string;
  entityType: SeaEntityType;
  pseaContact: string;
  active: boolean;
}

export type NewSeaEntity = Omit<SeaEntityView, 'id' | 'active'>;
export type SeaEntityPatch = Partial<Omit<SeaEntityView, 'id'>>;

/** Without the complaint key the note reads as `locked`: the coded fields alone. */
export interface EntityReferralView {
  entityId: string;
  entityName: string;
  referredOn: string;
  acknowledgedOn: string | null;
  interimMeasures: SeaInterimMeasure[];
  /** Null when none was written; absent when the complaint key was not opened. */
  interimNote?: string | null;
}

export interface EntityReferralState {
  entityId: string;
  referredOn: string;
  acknowledgedOn: string | null;
  interimMeasures: SeaInterimMeasure[];
}

export interface VictimView {
  id: string;
  seq: number;
  sex: SeaVictimSex;
  ageBand: SeaVictimAgeBand;
  assistanceStatus: SeaVictimAssistanceStatus;
  assistanceReferredOn: string | null;
  /** Null when none was written; absent when the complaint key was not opened. */
  description?: string | null;
}

export interface VictimCodes {
  sex: SeaVictimSex;
  ageBand: SeaVictimAgeBand;
  assistanceStatus: SeaVictimAssistanceStatus;
  assistanceReferredOn: string | null;
}

/** A value to store: absent leaves the stored one as it is, null erases it. */
export type SealedUpdate = { set: string | null } | undefined;

/**
 * Persistence of a complaint's investigation follow-up: the directory of entities concerned,
 * the referral of a complaint to one of them, and the complaint's victims. Free text is sealed
 * under the complaint key through SeaSealer (SEA_SEALED_FIELDS), like the narrative.
 */
export abstract class SeaInvestigationRepository {
  abstract entities(includeInactive: boolean): Promise<SeaEntityView[]>;
  abstract findEntity(id: string): Promise<SeaEntityView | null>;
  /** Whether another entry has this name (names are unique, compared without case or surrounding spaces). */
  abstract entityNameTaken(name: string, exceptId?: string): Promise<boolean>;
  abstract insertEntity(e: NewSeaEntity, createdOn: string): Promise<SeaEntityView>;
  abstract updateEntity(id: string, patch: SeaEntityPatch): Promise<SeaEntityView | null>;

  abstract entityReferral(complaintId: string, key: SeaComplaintKey | null): Promise<EntityReferralView | null>;
  /** Writes the referral's coded state; the note as `note` says (absent: unchanged). */
  abstract saveEntityReferral(complaintId: string, state: EntityReferralState, note: SealedUpdate, key: SeaComplaintKey | null): Promise<void>;

  abstract victims(complaintId: string, key: SeaComplaintKey | null): Promise<VictimView[]>;
  abstract findVictim(complaintId: string, victimId: string): Promise<VictimView | null>;
  abstract countVictims(complaintId: string): Promise<number>;
  /** Adds a victim under the next number of the complaint (writers of one complaint serialised). */
  abstract insertVictim(complaintId: string, codes: VictimCodes, description: string | null, key: SeaComplaintKey | null): Promise<VictimView>;
  abstract updateVictim(complaintId: string, victimId: string, codes: VictimCodes, description: SealedUpdate, key: SeaComplaintKey | null): Promise<void>;
}

@Injectable()
export class TypeOrmSeaInvestigationRepository extends SeaInvestigationRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly sealer: SeaSealer,
  ) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  async entities(includeInactive: boolean): Promise<SeaEntityView[]> {
    const rows = await this.em.find(SeaInvestigatingEntity, {
      where: includeInactive ? {} : { active: true },
      order: { name: 'ASC' },
      take: 1000,
    });
    return rows.map(toEntityView);
  }

  async findEntity(id: string): Promise<SeaEntityView | null> {
    const row = await this.em.findOneBy(SeaInvestigatingEntity, { id });
    return row ? toEntityView(row) : null;
  }

  async entityNameTaken(name: string, exceptId?: string): Promise<boolean> {
    const rows: unknown[] = await this.em.query(
      `SELECT 1 FROM sea_entities WHERE lower(btrim(name)) = lower(btrim($1)) AND ($2::uuid IS NULL OR id <> $2::uuid) LIMIT 1`,
      [name, exceptId ?? null],
    );
    return rows.length > 0;
  }

  async insertEntity(e: NewSeaEntity, createdOn: string): Promise<SeaEntityView> {
    const row: SeaInvestigatingEntity = { id: randomUUID(), name: e.name, entityType: e.entityType, pseaContact: e.pseaContact, active: true, createdOn };
    await this.em.insert(SeaInvestigatingEntity, row);
    return toEntityView(row);
  }

  async updateEntity(id: string, patch: SeaEntityPatch): Promise<SeaEntityView | null> {
    if (Object.keys(patch).length > 0) await this.em.update(SeaInvestigatingEntity, { id }, patch);
    return this.findEntity(id);
  }

  async entityReferral(complaintId: string, key: SeaComplaintKey | null): Promise<EntityReferralView | null> {
    const row = await this.em.findOne(SeaEntityReferral, { where: { complaintId }, relations: { entity: true } });
    if (!row) return null;
    const view: EntityReferralView = {
      entityId: row.entityId,
      entityName: row.entity!.name,
      referredOn: row.referredOn,
      acknowledgedOn: row.acknowledgedOn,
      interimMeasures: row.interimMeasures,
    };
    if (key) {
      view.interimNote =
        row.interimNote === null ? null : (this.sealer.openRow('sea_entity_referrals', { complaint: key.key }, { id: complaintId }, { interimNote: row.interimNote }).interimNote as string);
    }
    return view;
  }

  async saveEntityReferral(complaintId: string, state: EntityReferralState, note: SealedUpdate, key: SeaComplaintKey | null): Promise<void> {
    const sealedNote = note === undefined ? undefined : this.seal('sea_entity_referrals', 'interimNote', complaintId, note.set, key);
    const values = { complaintId, ...state, ...(sealedNote !== undefined ? { interimNote: sealedNote } : {}) };
    const updateColumns = ['entity_id', 'referred_on', 'acknowledged_on', 'interim_measures', ...(sealedNote !== undefined ? ['interim_note'] : [])];
    await this.em
      .createQueryBuilder()
      .insert()
      .into(SeaEntityReferral)
      .values(sealedNote === undefined ? { ...values, interimNote: null } : values)
      .orUpdate(updateColumns, ['complaint_id'])
      .execute();
  }

  async victims(complaintId: string, key: SeaComplaintKey | null): Promise<VictimView[]> {
    const rows = await this.em.find(SeaComplaintVictim, { where: { complaintId }, order: { seq: 'ASC' } });
    return rows.map((v) => {
      const view = toVictimView(v);
      if (key) {
        view.description =
          v.description === null ? null : (this.sealer.openRow('sea_complaint_victims', { complaint: key.key }, v, { description: v.description }).description as string);
      }
      return view;
    });
  }

  async findVictim(complaintId: string, victimId: string): Promise<VictimView | null> {
    const row = await this.em.findOneBy(SeaComplaintVictim, { id: victimId, complaintId });
    return row ? toVictimView(row) : null;
  }

  async countVictims(complaintId: string): Promise<number> {
    return this.em.countBy(SeaComplaintVictim, { complaintId });
  }

  async insertVictim(complaintId: string, codes: VictimCodes, description: string | null, key: SeaComplaintKey | null): Promise<VictimView> {
    await this.em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`sea_complaint_victims:${complaintId}`]);
    const [{ next }]: { next: number }[] = await this.em.query(`SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM sea_complaint_victims WHERE complaint_id = $1`, [
      complaintId,
    ]);
    const id = randomUUID();
    const sealed = description === null ? null : this.seal('sea_complaint_victims', 'description', id, description, key);
    const row: SeaComplaintVictim = { id, complaintId, seq: Number(next), ...codes, description: sealed };
    await this.em.insert(SeaComplaintVictim, row);
    return { ...toVictimView(row), ...(key ? { description } : {}) };
  }

  async updateVictim(complaintId: string, victimId: string, codes: VictimCodes, description: SealedUpdate, key: SeaComplaintKey | null): Promise<void> {
    const sealed = description === undefined ? undefined : this.seal('sea_complaint_victims', 'description', victimId, description.set, key);
    await this.em.update(SeaComplaintVictim, { id: victimId, complaintId }, { ...codes, ...(sealed !== undefined ? { description: sealed } : {}) });
  }

  private seal(table: 'sea_entity_referrals' | 'sea_complaint_victims', field: 'interimNote' | 'description', rowId: string, text: string | null, key: SeaComplaintKey | null): Buffer | null {
    if (text === null) return null;
    if (!key) throw new TypeError('sealing needs the complaint key');
    const sealed = this.sealer.sealRow(table, { complaint: key.key }, { id: rowId }, { [field]: text }) as Record<string, Buffer | null>;
    return sealed[field];
  }
}

function toEntityView(e: SeaInvestigatingEntity): SeaEntityView {
  return { id: e.id, name: e.name, entityType: e.entityType, pseaContact: e.pseaContact, active: e.active };
}

function toVictimView(v: SeaComplaintVictim): VictimView {
  return { id: v.id, seq: v.seq, sex: v.sex, ageBand: v.ageBand, assistanceStatus: v.assistanceStatus, assistanceReferredOn: v.assistanceReferredOn };
}
