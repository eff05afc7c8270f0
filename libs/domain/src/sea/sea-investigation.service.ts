import { Injectable } from '@nestjs/common';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '@amani/http';
import { TransactionHost } from '@amani/database';
import type { SeaActor } from './sea-actor';
import { SeaAuditor, SeaAuditTarget } from './sea-auditor';
import {
  SEA_VICTIM_REFERRED,
  SeaInterimMeasure,
  SeaVictimAgeBand,
  SeaVictimAssistanceStatus,
  SeaVictimSex,
  utcToday,
} from './sea-codes';
import { SeaComplaintKey, SeaComplaintRecord, SeaComplaintsRepository } from './sea-complaints.repository';
import {
  EntityReferralView,
  NewSeaEntity,
  SealedUpdate,
  SeaEntityPatch,
  SeaEntityView,
  SeaInvestigationRepository,
  VictimCodes,
  VictimView,
} from './sea-investigation.repository';
import { SeaKeysService } from './sea-keys.service';
import { SeaWorkspaceService } from './sea-workspace.service';

/** Victims one complaint may list: a complaint about many is still one complaint to follow. */
export const SEA_MAX_VICTIMS = 50;

export interface EntityReferralInput {
  entityId: string;
  referredOn: string;
  acknowledgedOn: string | null;
  interimMeasures: SeaInterimMeasure[];
  /** Absent: the stored note stays; null: erased; text: sealed under the complaint key (needs the unlock). */
  interimNote?: string | null;
}

export interface NewVictimInput {
  sex: SeaVictimSex;
  ageBand: SeaVictimAgeBand;
  assistanceStatus: SeaVictimAssistanceStatus;
  /** Sealed under the complaint key (needs the unlock). */
  description?: string | null;
}

export type VictimPatch = Partial<NewVictimInput>;

/**
 * What follows a complaint's triage, as inter-agency community-based complaint mechanisms run
 * it: the allegation referred to the entity whose personnel are concerned (from a directory of
 * entities and their PSEA contacts), the entity's acknowledgement and interim measures, and the
 * victims of the complaint, each with their own assistance status whatever the investigation
 * finds. Coded facts are plain (the quarterly statistics count them); what focal points write
 * is sealed under the complaint key, so writing or reading it needs their unlocked key.
 */
@Injectable()
export class SeaInvestigationService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: SeaInvestigationRepository,
    private readonly complaints: SeaComplaintsRepository,
    private readonly workspace: SeaWorkspaceService,
    private readonly keys: SeaKeysService,
    private readonly auditor: SeaAuditor,
  ) {}

  // Directory of entities --------------------------------------------------------------------

  listEntities(actor: SeaActor, includeInactive: boolean): Promise<SeaEntityView[]> {
    const target: SeaAuditTarget = { action: 'sea.entity.list', targetType: 'sea_entity', targetId: null };
    return this.auditor.run(actor, target, async () => {
      const items = await this.repo.entities(includeInactive);
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  createEntity(actor: SeaActor, input: NewSeaEntity): Promise<SeaEntityView> {
    const target: SeaAuditTarget = { action: 'sea.entity.create', targetType: 'sea_entity', targetId: null };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const entry = { ...input, name: input.name.trim(), pseaContact: input.pseaContact.trim() };
        await this.assertNameFree(entry.name);
        const created = await this.repo.insertEntity(entry, utcToday());
        await this.auditor.success(actor, { ...target, targetId: created.id }, { entityType: created.entityType }, em);
        return created;
      }),
    );
  }

  updateEntity(actor: SeaActor, id: string, patch: SeaEntityPatch): Promise<SeaEntityView> {
    const target: SeaAuditTarget = { action: 'sea.entity.update', targetType: 'sea_entity', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        if (!(await this.repo.findEntity(id))) throw new NotFoundProblem('entity');
        const clean: SeaEntityPatch = {
          ...patch,
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(patch.pseaContact !== undefined ? { pseaContact: patch.pseaContact.trim() } : {}),
        };
        if (clean.name !== undefined) await this.assertNameFree(clean.name, id);
        const updated = (await this.repo.updateEntity(id, clean))!;
        await this.auditor.success(actor, target, { fields: Object.keys(clean).sort().join(':') }, em);
        return updated;
      }),
    );
  }

  // Referral to the entity concerned ---------------------------------------------------------

  /**
   * Records (or corrects) to which entity the complaint was referred, when, when the entity
   * acknowledged it and the interim measures it reports. Only an assessed complaint can be
   * referred: until triage its coded facts are the complainant's own.
   */
  recordEntityReferral(actor: SeaActor, complaintId: string, unlockToken: string | undefined, input: EntityReferralInput): Promise<EntityReferralView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.entity_referral', targetType: 'sea_complaint', targetId: complaintId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.workspace.load(complaintId);
        if (c.status === 'received') {
          throw new ConflictProblem('complaint_not_assessed', 'Assess the complaint (confirm its coded fields) before referring it to the entity concerned.');
        }
        const entity = await this.repo.findEntity(input.entityId);
        if (!entity || !entity.active) {
          throw new UnprocessableProblem('unknown_entity', 'Choose an entity from the directory.', [{ field: 'entityId', message: 'is not an active entry of the directory' }]);
        }
        this.assertDays(c, input.referredOn, input.acknowledgedOn);
        const state = { entityId: entity.id, referredOn: input.referredOn, acknowledgedOn: input.acknowledgedOn, interimMeasures: [...new Set(input.interimMeasures)] };
        const note: SealedUpdate = input.interimNote === undefined ? undefined : { set: input.interimNote };
        const view = await this.withOptionalKey(actor, c, unlockToken, typeof input.interimNote === 'string', async (ck) => {
          await this.repo.saveEntityReferral(complaintId, state, note, ck);
          return (await this.repo.entityReferral(complaintId, ck))!;
        });
        await this.auditor.success(
          actor,
          target,
          { entity: entity.id, acknowledged: input.acknowledgedOn !== null, measures: state.interimMeasures.join(':'), ...(note ? { note: note.set === null ? 'erased' : 'written' } : {}) },
          em,
        );
        return view;
      }),
    );
  }

  // Victims ----------------------------------------------------------------------------------

  addVictim(actor: SeaActor, complaintId: string, unlockToken: string | undefined, input: NewVictimInput): Promise<VictimView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.victim', targetType: 'sea_complaint', targetId: complaintId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.workspace.load(complaintId);
        if ((await this.repo.countVictims(complaintId)) >= SEA_MAX_VICTIMS) {
          throw new ConflictProblem('too_many_victims', `A complaint lists at most ${SEA_MAX_VICTIMS} victims.`);
        }
        const description = input.description ?? null;
        const codes = victimCodes(input.assistanceStatus, { sex: input.sex, ageBand: input.ageBand }, null);
        const victim = await this.withOptionalKey(actor, c, unlockToken, description !== null, (ck) =>
          this.repo.insertVictim(complaintId, codes, description, ck),
        );
        await this.auditor.success(actor, target, { victim: victim.id, change: 'added', assistance: victim.assistanceStatus }, em);
        return victim;
      }),
    );
  }

  updateVictim(actor: SeaActor, complaintId: string, victimId: string, unlockToken: string | undefined, patch: VictimPatch): Promise<VictimView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.victim', targetType: 'sea_complaint', targetId: complaintId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.workspace.load(complaintId);
        const current = await this.repo.findVictim(complaintId, victimId);
        if (!current) throw new NotFoundProblem('victim');
        const codes = victimCodes(
          patch.assistanceStatus ?? current.assistanceStatus,
          { sex: patch.sex ?? current.sex, ageBand: patch.ageBand ?? current.ageBand },
          current,
        );
        const description: SealedUpdate = patch.description === undefined ? undefined : { set: patch.description };
        const view = await this.withOptionalKey(actor, c, unlockToken, typeof patch.description === 'string', async (ck) => {
          await this.repo.updateVictim(complaintId, victimId, codes, description, ck);
          return (await this.repo.victims(complaintId, ck)).find((v) => v.id === victimId)!;
        });
        await this.auditor.success(actor, target, { victim: victimId, change: 'updated', assistance: codes.assistanceStatus }, em);
        return view;
      }),
    );
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    if (await this.repo.entityNameTaken(name, exceptId)) {
      throw new ConflictProblem('entity_name_taken', 'The directory already has an entity of that name.');
    }
  }

  /** Referred on or after receipt and not in the future; acknowledged on or after the referral and not in the future. */
  private assertDays(c: SeaComplaintRecord, referredOn: string, acknowledgedOn: string | null): void {
    const today = utcToday();
    const errors: { field: string; message: string }[] = [];
    if (referredOn < c.receivedOn) errors.push({ field: 'referredOn', message: 'must not be before the complaint was received' });
    if (referredOn > today) errors.push({ field: 'referredOn', message: 'must not be in the future' });
    if (acknowledgedOn !== null && acknowledgedOn < referredOn) errors.push({ field: 'acknowledgedOn', message: 'must not be before the referral' });
    if (acknowledgedOn !== null && acknowledgedOn > today) errors.push({ field: 'acknowledgedOn', message: 'must not be in the future' });
    if (errors.length > 0) throw new UnprocessableProblem('invalid_dates', 'The dates do not fit the complaint.', errors);
  }

  /**
   * Needs the caller's grant for the complaint. Runs `fn` with the complaint key when the caller
   * writes sealed text (which needs their unlocked key too), else without: coded facts need
   * only the grant, and the answer then leaves the sealed text out.
   */
  private async withOptionalKey<T>(actor: SeaActor, c: SeaComplaintRecord, unlockToken: string | undefined, needed: boolean, fn: (ck: SeaComplaintKey | null) => Promise<T>): Promise<T> {
    const grant = await this.workspace.requireGrant(actor, c.id);
    if (!needed) return fn(null);
    const mine = await this.keys.unlocked(actor, unlockToken);
    const ck = this.complaints.openComplaintKey(grant, c.id, mine);
    try {
      return await fn(ck);
    } finally {
      this.complaints.dispose(ck);
    }
  }
}

/** The coded columns for a status: the referral day is set on first referral and kept while referred or receiving. */
function victimCodes(
  status: SeaVictimAssistanceStatus,
  who: { sex: SeaVictimSex; ageBand: SeaVictimAgeBand },
  current: Pick<VictimView, 'assistanceReferredOn'> | null,
): VictimCodes {
  const referred = SEA_VICTIM_REFERRED.includes(status);
  return { ...who, assistanceStatus: status, assistanceReferredOn: referred ? (current?.assistanceReferredOn ?? utcToday()) : null };
}
