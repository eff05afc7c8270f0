import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { Agency } from '@amani/auth';
import type { ServiceType } from '@amani/auth';
import { ServiceOffering } from './service-offering.entity';

/** The directory's columns a manager writes. */
export type ServiceOfferingValues = Pick<
  ServiceOffering,
  'serviceType' | 'name' | 'regionCodes' | 'languages' | 'openingHours' | 'contactChannel' | 'capacity' | 'acceptingReferrals'
>;

/** A directory entry with its agency's name. */
export type ServiceOfferingRecord = Omit<ServiceOffering, 'agency' | 'createdBy'> & { agencyName: string };

export interface ServiceFilter {
  agencyId?: string | null;
  type?: ServiceType;
  region?: string;
  language?: string;
  acceptingOnly?: boolean;
}

/**
 * The service directory's persistence (organisation data only: nothing is sealed). Runs on
 * the transaction open in the caller's async context, if any.
 */
export abstract class ServicesRepository {
  abstract agencyExists(agencyId: string): Promise<boolean>;
  abstract insert(values: ServiceOfferingValues & { agencyId: string; createdById: string }): Promise<string>;
  abstract findById(id: string): Promise<ServiceOfferingRecord | null>;
  /** Applies the change and bumps the version when `version` is still current; false when stale. */
  abstract update(id: string, version: number, values: Partial<ServiceOfferingValues>): Promise<boolean>;
  /** Ordered by agency name, service type and id. */
  abstract page(filter: ServiceFilter, page: number, pageSize: number): Promise<[ServiceOfferingRecord[], number]>;
  /** Whether the agency has an entry of the type taking referrals now (the given one, if any). */
  abstract hasOpenOffering(agencyId: string, serviceType: ServiceType, serviceId?: string | null): Promise<boolean>;
}

@Injectable()
export class TypeOrmServicesRepository extends ServicesRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  agencyExists(agencyId: string): Promise<boolean> {
    return this.em.exists(Agency, { where: { id: agencyId } });
  }

  async insert(values: ServiceOfferingValues & { agencyId: string; createdById: string }): Promise<string> {
    const inserted = await this.em.insert(ServiceOffering, values);
    return (inserted.identifiers[0] as { id: string }).id;
  }

  async findById(id: string): Promise<ServiceOfferingRecord | null> {
    const s = await this.em.findOne(ServiceOffering, { where: { id }, relations: { agency: true } });
    return s ? toRecord(s, s.agency!.name) : null;
  }

  async update(id: string, version: number, values: Partial<ServiceOfferingValues>): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .update(ServiceOffering)
      .set({ ...values, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return result.affected === 1;
  }

  async page(filter: ServiceFilter, page: number, pageSize: number): Promise<[ServiceOfferingRecord[], number]> {
    const qb = this.em
      .getRepository(ServiceOffering)
      .createQueryBuilder('s')
      .innerJoin(Agency, 'a', 'a.id = s.agency_id')
      .addSelect('a.name', 'agency_name')
      .orderBy('a.name', 'ASC')
      .addOrderBy('s.serviceType', 'ASC')
      .addOrderBy('s.id', 'ASC');
    if (filter.agencyId) qb.andWhere('s.agency_id = :agencyId', { agencyId: filter.agencyId });
    if (filter.type) qb.andWhere('s.service_type = :type', { type: filter.type });
    if (filter.region) qb.andWhere(':region = ANY(s.region_codes)', { region: filter.region });
    if (filter.language) qb.andWhere(':language = ANY(s.languages)', { language: filter.language });
    if (filter.acceptingOnly) qb.andWhere('s.accepting_referrals');
    const total = await qb.getCount();
    const { entities, raw } = await qb
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getRawAndEntities<{ agency_name: string }>();
    return [entities.map((s, i) => toRecord(s, raw[i].agency_name)), total];
  }

  hasOpenOffering(agencyId: string, serviceType: ServiceType, serviceId?: string | null): Promise<boolean> {
    return this.em.exists(ServiceOffering, { where: { agencyId, serviceType, acceptingReferrals: true, ...(serviceId ? { id: serviceId } : {}) } });
  }
}

function toRecord(s: ServiceOffering, agencyName: string): ServiceOfferingRecord {
  const { agency: _a, createdBy: _c, ...rest } = s;
  return { ...rest, agencyName };
}
