import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AuditService } from '@amani/audit';
import { ServiceType } from '@amani/auth';
import { Agency, AgencyType } from './agency.entity';
import { ConflictProblem, NotFoundProblem, ValidationProblem } from '@amani/http';
import type { ActorContext } from '../users/users.service';
import type { Page } from '../users/user-view';
import { TransactionHost } from '@amani/database';

export interface CreateAgencyInput {
  name: string;
  type: AgencyType;
  serviceTypes?: ServiceType[];
  regionCodes?: string[];
}

/** An edit: only the fields given change; `updatedAt` is the version the editor read (a stale one is refused). */
export interface UpdateAgencyInput {
  updatedAt: Date;
  name?: string;
  type?: AgencyType;
  serviceTypes?: ServiceType[];
  regionCodes?: string[];
}

export interface AgencyView {
  id: string;
  name: string;
  type: AgencyType;
  serviceTypes: ServiceType[];
  regionCodes: string[];
  /** X25519 public key for referral packets, base64; null until the agency's key ceremony. */
  publicKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toAgencyView(a: Agency): AgencyView {
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    serviceTypes: a.serviceTypes,
    regionCodes: a.regionCodes,
    publicKey: a.publicKey ? a.publicKey.toString('base64') : null,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

@Injectable()
export class AgenciesService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditService,
  ) {}

  async create(input: CreateAgencyInput, ctx: ActorContext): Promise<AgencyView> {
    const name = input.name.trim();
    if (!name) throw new ValidationProblem([{ field: 'name', message: 'must be non-empty text' }]);
    try {
      return await this.tx.run(async (em) => {
        const agency = await em.save(
          em.create(Agency, {
            name,
            type: input.type,
            serviceTypes: [...new Set(input.serviceTypes ?? [])],
            regionCodes: [...new Set(input.regionCodes ?? [])],
            publicKey: null,
          }),
        );
        await this.audit.record(
          {
            action: 'agency.create',
            outcome: 'success',
            actorId: ctx.actor?.id ?? null,
            actorRole: ctx.actor?.role ?? null,
            agencyId: agency.id,
            targetType: 'agency',
            targetId: agency.id,
            details: { type: agency.type, ...(ctx.via ? { via: ctx.via } : {}) },
            requestId: ctx.requestId ?? null,
          },
          em,
        );
        return toAgencyView(agency);
      });
    } catch (e) {
      const driver = e instanceof QueryFailedError ? (e.driverError as { code?: string }) : undefined;
      if (driver?.code === '23505') throw new ConflictProblem('agency_name_taken', 'An agency with this name already exists.');
      throw e;
    }
  }

  /**
   * Edits an agency's name, type, the services it offers and its regions. Optimistic: the
   * editor's `updatedAt` must still be the row's. Audited with the names of the changed
   * fields only, never their values.
   */
  async update(id: string, input: UpdateAgencyInput, ctx: ActorContext): Promise<AgencyView> {
    const name = input.name?.trim();
    if (input.name !== undefined && !name) throw new ValidationProblem([{ field: 'name', message: 'must be non-empty text' }]);
    try {
      return await this.tx.run(async (em) => {
        const agency = await em.getRepository(Agency).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!agency) throw new NotFoundProblem('agency');
        if (agency.updatedAt.getTime() !== input.updatedAt.getTime()) {
          throw new ConflictProblem('stale_version', 'The agency changed since you read it; read it again.');
        }
        const next = {
          name: name ?? agency.name,
          type: input.type ?? agency.type,
          serviceTypes: input.serviceTypes ? [...new Set(input.serviceTypes)] : agency.serviceTypes,
          regionCodes: input.regionCodes ? [...new Set(input.regionCodes)] : agency.regionCodes,
        };
        const same = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
        const changed = [
          next.name !== agency.name && 'name',
          next.type !== agency.type && 'type',
          !same(next.serviceTypes, agency.serviceTypes) && 'serviceTypes',
          !same(next.regionCodes, agency.regionCodes) && 'regionCodes',
        ].filter((f): f is string => typeof f === 'string');
        if (changed.length === 0) return toAgencyView(agency);
        Object.assign(agency, next);
        const saved = await em.save(agency);
        await this.audit.record(
          {
            action: 'agency.update',
            outcome: 'success',
            actorId: ctx.actor?.id ?? null,
            actorRole: ctx.actor?.role ?? null,
            agencyId: agency.id,
            targetType: 'agency',
            targetId: agency.id,
            details: { fields: changed.join(':'), ...(ctx.via ? { via: ctx.via } : {}) },
            requestId: ctx.requestId ?? null,
          },
          em,
        );
        return toAgencyView(saved);
      });
    } catch (e) {
      const driver = e instanceof QueryFailedError ? (e.driverError as { code?: string }) : undefined;
      if (driver?.code === '23505') throw new ConflictProblem('agency_name_taken', 'An agency with this name already exists.');
      throw e;
    }
  }

  async list(page: number, pageSize: number): Promise<Page<AgencyView>> {
    const [agencies, total] = await this.tx.manager.getRepository(Agency).findAndCount({
      order: { name: 'ASC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: agencies.map(toAgencyView), page, pageSize, total };
  }

  async get(id: string): Promise<AgencyView> {
    const agency = await this.tx.manager.getRepository(Agency).findOneBy({ id });
    if (!agency) throw new NotFoundProblem('agency');
    return toAgencyView(agency);
  }

  /** For the demo seed: the agency with this exact name, if any. */
  async findByName(name: string): Promise<AgencyView | null> {
    const agency = await this.tx.manager.getRepository(Agency).findOneBy({ name });
    return agency ? toAgencyView(agency) : null;
  }
}
