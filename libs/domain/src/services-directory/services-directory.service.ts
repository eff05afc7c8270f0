import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LocationsService } from '@amani/domain/locations';
import { AuditService } from '@amani/audit';
import { ConflictProblem, DomainException, NotFoundProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
import { Agency } from '@amani/auth';
import type { Role, ServiceType } from '@amani/auth';
import { ServiceOffering } from './service-offering.entity';
import { TransactionHost } from '@amani/database';
import type { Page } from '@amani/http';

/** Who manages directory entries: a supervisor (own agency) or an administrator (any agency). */
export interface DirectoryActor {
  id: string;
  role: Role;
  agencyId: string | null;
  requestId?: string | null;
}

export interface ServiceFields {
  serviceType: ServiceType;
  name: string;
  regionCodes: string[];
  languages: string[];
  openingHours?: string | null;
  contactChannel?: string | null;
  capacity?: number | null;
  acceptingReferrals?: boolean;
}

export interface CreateServiceCommand extends ServiceFields {
  /** Required for an administrator; a supervisor's entries always belong to their agency. */
  agencyId?: string | null;
}

export type UpdateServiceCommand = Partial<ServiceFields> & { version: number };

export interface ServiceListQuery {
  agencyId?: string;
  page: number;
  pageSize: number;
}

export interface ServiceSearchQuery {
  type?: ServiceType;
  region?: string;
  language?: string;
  acceptingOnly?: boolean;
  page: number;
  pageSize: number;
}

export interface ServiceView {
  id: string;
  agencyId: string;
  agencyName: string;
  serviceType: ServiceType;
  name: string;
  regionCodes: string[];
  languages: string[];
  openingHours: string | null;
  contactChannel: string | null;
  capacity: number | null;
  acceptingReferrals: boolean;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export type ServicePage = Page<ServiceView>;

const MANAGERS: readonly Role[] = ['supervisor', 'admin'];
const EDITABLE = ['serviceType', 'name', 'regionCodes', 'languages', 'openingHours', 'contactChannel', 'capacity', 'acceptingReferrals'] as const;

/**
 * The service directory (DESIGN §2). An agency's supervisors and the administrators manage its
 * entries; staff who refer search them. Entries describe organisations only, so reads are not
 * audited; every write and every refusal is.
 */
@Injectable()
export class ServicesDirectoryService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditService,
    private readonly locations: LocationsService,
  ) {}

  create(actor: DirectoryActor, cmd: CreateServiceCommand): Promise<ServiceView> {
    return this.tx.run(async (em) => {
      this.assertManager(actor);
      const agencyId = await this.targetAgency(em, actor, cmd.agencyId ?? null);
      await this.locations.assertKnown('regionCodes', cmd.regionCodes);
      const inserted = await em.insert(ServiceOffering, {
        agencyId,
        serviceType: cmd.serviceType,
        name: cmd.name,
        regionCodes: unique(cmd.regionCodes),
        languages: unique(cmd.languages),
        openingHours: cmd.openingHours ?? null,
        contactChannel: cmd.contactChannel ?? null,
        capacity: cmd.capacity ?? null,
        acceptingReferrals: cmd.acceptingReferrals ?? true,
        createdById: actor.id,
      });
      const id = (inserted.identifiers[0] as { id: string }).id;
      await this.record(actor, 'service.create', 'success', id, { agency: agencyId, serviceType: cmd.serviceType }, em);
      return this.view(em, id);
    });
  }

  update(actor: DirectoryActor, id: string, cmd: UpdateServiceCommand): Promise<ServiceView> {
    return this.tx.run(async (em) => {
      this.assertManager(actor);
      const row = await em.findOne(ServiceOffering, { where: { id } });
      if (!row || (actor.role !== 'admin' && row.agencyId !== actor.agencyId)) {
        await this.record(actor, 'service.update', row ? 'denied' : 'failure', id, { reason: row ? 'out_of_scope' : 'not_found' });
        throw new NotFoundProblem('service');
      }
      await this.locations.assertKnown('regionCodes', cmd.regionCodes);
      const sets: Record<string, unknown> = {};
      for (const f of EDITABLE) {
        if (cmd[f] === undefined) continue;
        sets[f] = f === 'regionCodes' || f === 'languages' ? unique(cmd[f]) : cmd[f];
      }
      if (Object.keys(sets).length === 0) throw new ValidationProblem([{ field: 'body', message: 'holds no field to change' }]);
      const result = await em
        .createQueryBuilder()
        .update(ServiceOffering)
        .set({ ...sets, version: () => 'version + 1' })
        .where('id = :id AND version = :version', { id, version: cmd.version })
        .execute();
      if (result.affected !== 1) throw new ConflictProblem('stale_version', 'The record was changed by someone else; reload it and try again.');
      await this.record(actor, 'service.update', 'success', id, { agency: row.agencyId, fields: Object.keys(sets).length }, em);
      return this.view(em, id);
    });
  }

  /** A supervisor's list is always their own agency's entries; an administrator may filter by agency. */
  async list(actor: DirectoryActor, q: ServiceListQuery): Promise<ServicePage> {
    this.assertManager(actor);
    const agencyId = actor.role === 'admin' ? (q.agencyId ?? null) : actor.agencyId;
    const qb = this.baseQuery();
    if (agencyId) qb.andWhere('s.agency_id = :agencyId', { agencyId });
    return this.page(qb, q.page, q.pageSize);
  }

  search(q: ServiceSearchQuery): Promise<ServicePage> {
    const qb = this.baseQuery();
    if (q.type) qb.andWhere('s.service_type = :type', { type: q.type });
    if (q.region) qb.andWhere(':region = ANY(s.region_codes)', { region: q.region });
    if (q.language) qb.andWhere(':language = ANY(s.languages)', { language: q.language });
    if (q.acceptingOnly) qb.andWhere('s.accepting_referrals');
    return this.page(qb, q.page, q.pageSize);
  }

  /** For referrals: an entry of the agency offering the type and taking referrals now (the given one, if any). */
  async findOpenOffering(em: EntityManager, agencyId: string, serviceType: ServiceType, serviceId?: string | null): Promise<ServiceOffering | null> {
    return em.findOne(ServiceOffering, {
      where: { agencyId, serviceType, acceptingReferrals: true, ...(serviceId ? { id: serviceId } : {}) },
      order: { createdAt: 'ASC' },
    });
  }

  private baseQuery() {
    return this.tx.manager
      .getRepository(ServiceOffering)
      .createQueryBuilder('s')
      .innerJoin(Agency, 'a', 'a.id = s.agency_id')
      .addSelect('a.name', 'agency_name')
      .orderBy('a.name', 'ASC')
      .addOrderBy('s.serviceType', 'ASC')
      .addOrderBy('s.id', 'ASC');
  }

  private async page(qb: ReturnType<ServicesDirectoryService['baseQuery']>, page: number, pageSize: number): Promise<ServicePage> {
    const total = await qb.getCount();
    const { entities, raw } = await qb
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getRawAndEntities<{ agency_name: string }>();
    return { items: entities.map((s, i) => toServiceView(s, raw[i].agency_name)), page, pageSize, total };
  }

  private async view(em: EntityManager, id: string): Promise<ServiceView> {
    const s = await em.findOneOrFail(ServiceOffering, { where: { id }, relations: { agency: true } });
    return toServiceView(s, s.agency!.name);
  }

  private assertManager(actor: DirectoryActor): void {
    if (!MANAGERS.includes(actor.role) || (actor.role !== 'admin' && !actor.agencyId)) {
      throw new DomainException(403, 'forbidden', 'Your role may not manage the service directory.');
    }
  }

  private async targetAgency(em: EntityManager, actor: DirectoryActor, requested: string | null): Promise<string> {
    if (actor.role !== 'admin') {
      if (requested !== null && requested !== actor.agencyId) {
        await this.record(actor, 'service.create', 'denied', null, { reason: 'other_agency' });
        throw new DomainException(403, 'not_your_agency', "A supervisor publishes only their own agency's services.");
      }
      return actor.agencyId!;
    }
    if (!requested) throw new ValidationProblem([{ field: 'agencyId', message: 'is required for an administrator' }]);
    if (!(await em.exists(Agency, { where: { id: requested } }))) {
      throw new UnprocessableProblem('unknown_agency', 'The agency does not exist.', [{ field: 'agencyId', message: 'is not a known agency' }]);
    }
    return requested;
  }

  private record(
    actor: DirectoryActor,
    action: string,
    outcome: 'success' | 'failure' | 'denied',
    targetId: string | null,
    details: Record<string, string | number | boolean | null>,
    em?: EntityManager,
  ): Promise<void> {
    return this.audit.record(
      { action, outcome, actorId: actor.id, actorRole: actor.role, agencyId: actor.agencyId, targetType: 'service', targetId, details, requestId: actor.requestId ?? null },
      em,
    );
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

export function toServiceView(s: ServiceOffering, agencyName: string): ServiceView {
  return {
    id: s.id,
    agencyId: s.agencyId,
    agencyName,
    serviceType: s.serviceType,
    name: s.name,
    regionCodes: s.regionCodes,
    languages: s.languages,
    openingHours: s.openingHours,
    contactChannel: s.contactChannel,
    capacity: s.capacity,
    acceptingReferrals: s.acceptingReferrals,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    version: s.version,
  };
}
