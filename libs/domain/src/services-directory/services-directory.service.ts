import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LocationsService } from '@amani/domain/locations';
import { AuditService } from '@amani/audit';
import { ConflictProblem, DomainException, NotFoundProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
import { TransactionHost } from '@amani/database';
import type { Role, ServiceType } from '@amani/auth';
import type { Page } from '@amani/http';
import { ServiceFilter, ServiceOfferingRecord, ServiceOfferingValues, ServicesRepository } from './services.repository';

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
    private readonly repo: ServicesRepository,
    private readonly audit: AuditService,
    private readonly locations: LocationsService,
  ) {}

  create(actor: DirectoryActor, cmd: CreateServiceCommand): Promise<ServiceView> {
    return this.tx.run(async (em) => {
      this.assertManager(actor);
      const agencyId = await this.targetAgency(actor, cmd.agencyId ?? null);
      await this.locations.assertKnown('regionCodes', cmd.regionCodes);
      const id = await this.repo.insert({
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
      await this.record(actor, 'service.create', 'success', id, { agency: agencyId, serviceType: cmd.serviceType }, em);
      return this.view(id);
    });
  }

  update(actor: DirectoryActor, id: string, cmd: UpdateServiceCommand): Promise<ServiceView> {
    return this.tx.run(async (em) => {
      this.assertManager(actor);
      const row = await this.repo.findById(id);
      if (!row || (actor.role !== 'admin' && row.agencyId !== actor.agencyId)) {
        await this.record(actor, 'service.update', row ? 'denied' : 'failure', id, { reason: row ? 'out_of_scope' : 'not_found' });
        throw new NotFoundProblem('service');
      }
      await this.locations.assertKnown('regionCodes', cmd.regionCodes);
      const sets: Partial<ServiceOfferingValues> = {};
      for (const f of EDITABLE) {
        if (cmd[f] === undefined) continue;
        (sets as Record<string, unknown>)[f] = f === 'regionCodes' || f === 'languages' ? unique(cmd[f]) : cmd[f];
      }
      if (Object.keys(sets).length === 0) throw new ValidationProblem([{ field: 'body', message: 'holds no field to change' }]);
      if (!(await this.repo.update(id, cmd.version, sets))) {
        throw new ConflictProblem('stale_version', 'The record was changed by someone else; reload it and try again.');
      }
      await this.record(actor, 'service.update', 'success', id, { agency: row.agencyId, fields: Object.keys(sets).length }, em);
      return this.view(id);
    });
  }

  /** A supervisor's list is always their own agency's entries; an administrator may filter by agency. */
  async list(actor: DirectoryActor, q: ServiceListQuery): Promise<ServicePage> {
    this.assertManager(actor);
    const agencyId = actor.role === 'admin' ? (q.agencyId ?? null) : actor.agencyId;
    return this.page({ agencyId }, q.page, q.pageSize);
  }

  search(q: ServiceSearchQuery): Promise<ServicePage> {
    return this.page({ type: q.type, region: q.region, language: q.language, acceptingOnly: q.acceptingOnly }, q.page, q.pageSize);
  }

  /** For referrals: whether the agency offers the type and takes referrals now (through the given entry, if any). */
  hasOpenOffering(agencyId: string, serviceType: ServiceType, serviceId?: string | null): Promise<boolean> {
    return this.repo.hasOpenOffering(agencyId, serviceType, serviceId);
  }

  private async page(filter: ServiceFilter, page: number, pageSize: number): Promise<ServicePage> {
    const [rows, total] = await this.repo.page(filter, page, pageSize);
    return { items: rows.map(toServiceView), page, pageSize, total };
  }

  private async view(id: string): Promise<ServiceView> {
    const s = await this.repo.findById(id);
    if (!s) throw new NotFoundProblem('service');
    return toServiceView(s);
  }

  private assertManager(actor: DirectoryActor): void {
    if (!MANAGERS.includes(actor.role) || (actor.role !== 'admin' && !actor.agencyId)) {
      throw new DomainException(403, 'forbidden', 'Your role may not manage the service directory.');
    }
  }

  private async targetAgency(actor: DirectoryActor, requested: string | null): Promise<string> {
    if (actor.role !== 'admin') {
      if (requested !== null && requested !== actor.agencyId) {
        await this.record(actor, 'service.create', 'denied', null, { reason: 'other_agency' });
        throw new DomainException(403, 'not_your_agency', "A supervisor publishes only their own agency's services.");
      }
      return actor.agencyId!;
    }
    if (!requested) throw new ValidationProblem([{ field: 'agencyId', message: 'is required for an administrator' }]);
    if (!(await this.repo.agencyExists(requested))) {
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

export function toServiceView(s: ServiceOfferingRecord): ServiceView {
  return {
    id: s.id,
    agencyId: s.agencyId,
    agencyName: s.agencyName,
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
