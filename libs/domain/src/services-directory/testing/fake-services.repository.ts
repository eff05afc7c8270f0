import { randomUUID } from 'node:crypto';
import type { ServiceType } from '@amani/auth';
import { ServiceFilter, ServiceOfferingRecord, ServiceOfferingValues, ServicesRepository } from '../services.repository';

/** In-memory directory for unit tests. */
export class FakeServicesRepository implements ServicesRepository {
  readonly agencies = new Map<string, string>();
  readonly rows = new Map<string, ServiceOfferingRecord>();

  addAgency(name = 'Agency'): string {
    const id = randomUUID();
    this.agencies.set(id, name);
    return id;
  }

  agencyExists(agencyId: string): Promise<boolean> {
    return Promise.resolve(this.agencies.has(agencyId));
  }

  insert(values: ServiceOfferingValues & { agencyId: string; createdById: string }): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    this.rows.set(id, { ...values, id, agencyName: this.agencies.get(values.agencyId) ?? '?', createdAt: now, updatedAt: now, version: 1 });
    return Promise.resolve(id);
  }

  findById(id: string): Promise<ServiceOfferingRecord | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row ? { ...row } : null);
  }

  update(id: string, version: number, values: Partial<ServiceOfferingValues>): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.version !== version) return Promise.resolve(false);
    this.rows.set(id, { ...row, ...values, version: row.version + 1, updatedAt: new Date() });
    return Promise.resolve(true);
  }

  page(filter: ServiceFilter, page: number, pageSize: number): Promise<[ServiceOfferingRecord[], number]> {
    const all = [...this.rows.values()]
      .filter((s) => !filter.agencyId || s.agencyId === filter.agencyId)
      .filter((s) => !filter.type || s.serviceType === filter.type)
      .filter((s) => !filter.region || s.regionCodes.includes(filter.region))
      .filter((s) => !filter.language || s.languages.includes(filter.language))
      .filter((s) => !filter.acceptingOnly || s.acceptingReferrals)
      .sort((a, b) => a.agencyName.localeCompare(b.agencyName) || a.serviceType.localeCompare(b.serviceType) || a.id.localeCompare(b.id));
    return Promise.resolve([all.slice((page - 1) * pageSize, page * pageSize), all.length]);
  }

  hasOpenOffering(agencyId: string, serviceType: ServiceType, serviceId?: string | null): Promise<boolean> {
    return Promise.resolve(
      [...this.rows.values()].some((s) => s.agencyId === agencyId && s.serviceType === serviceType && s.acceptingReferrals && (!serviceId || s.id === serviceId)),
    );
  }
}
