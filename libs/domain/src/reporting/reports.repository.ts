import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { Report, ReportOrigin } from './report.entity';

export interface ReportKey {
  template: string;
  period: string;
  /** Null for an inter-agency report. */
  agencyId: string | null;
}

/** A report as lists show it: no result or chart. */
export type ReportListRow = Omit<Report, 'result' | 'chartSvg'>;

/**
 * Report rows (aggregates only: nothing is sealed). Runs on the transaction open in the
 * caller's context. The builder's own statements stay in ReportBuilder: it holds a dedicated
 * read-only connection and a session lock for the length of a build.
 */
export abstract class ReportsRepository {
  /** Inserts the row of (template, period, scope) unless it exists; its id when inserted. */
  abstract insertIfAbsent(key: ReportKey, origin: ReportOrigin): Promise<string | null>;
  abstract findByKey(key: ReportKey): Promise<Report | null>;
  /** Queues a failed build, or one untouched for `staleMinutes`, again; whether it did. */
  abstract requeueIfFailedOrStale(id: string, staleMinutes: number): Promise<boolean>;
  abstract findById(id: string): Promise<Report | null>;
  /** Results of the done reports of a template and scope among the given periods (for trends). */
  abstract doneResults(template: string, agencyId: string | null, periods: readonly string[]): Promise<Pick<Report, 'period' | 'result'>[]>;
  /** Newest period first. */
  abstract page(agencyId: string | null, page: number, pageSize: number): Promise<[ReportListRow[], number]>;
}

@Injectable()
export class TypeOrmReportsRepository extends ReportsRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  async insertIfAbsent(key: ReportKey, origin: ReportOrigin): Promise<string | null> {
    const conflict = key.agencyId
      ? 'ON CONFLICT (template, period, agency_id) WHERE agency_id IS NOT NULL DO NOTHING'
      : 'ON CONFLICT (template, period) WHERE agency_id IS NULL DO NOTHING';
    const inserted: { id: string }[] = await this.em.query(
      `INSERT INTO reports (template, period, agency_id, origin) VALUES ($1, $2, $3, $4) ${conflict} RETURNING id`,
      [key.template, key.period, key.agencyId, origin],
    );
    return inserted[0]?.id ?? null;
  }

  findByKey(key: ReportKey): Promise<Report | null> {
    return this.em.getRepository(Report).findOne({
      where: { template: key.template as Report['template'], period: key.period, agencyId: key.agencyId ?? IsNull() },
    });
  }

  async requeueIfFailedOrStale(id: string, staleMinutes: number): Promise<boolean> {
    const retried: { id: string }[] = await this.em.query(
      `WITH requeued AS (
         UPDATE reports SET status = 'queued', progress = 0, error_code = NULL, updated_at = now()
         WHERE id = $1 AND (status = 'failed' OR (status <> 'done' AND updated_at < now() - make_interval(mins => $2)))
         RETURNING id)
       SELECT id FROM requeued`,
      [id, staleMinutes],
    );
    return retried.length === 1;
  }

  findById(id: string): Promise<Report | null> {
    return this.em.getRepository(Report).findOneBy({ id });
  }

  doneResults(template: string, agencyId: string | null, periods: readonly string[]): Promise<Pick<Report, 'period' | 'result'>[]> {
    return this.em.getRepository(Report).find({
      where: { template: template as Report['template'], agencyId: agencyId ?? IsNull(), period: In([...periods]), status: 'done' },
      select: { period: true, result: true },
    });
  }

  page(agencyId: string | null, page: number, pageSize: number): Promise<[ReportListRow[], number]> {
    return this.em.getRepository(Report).findAndCount({
      where: { agencyId: agencyId ?? IsNull() },
      select: {
        id: true,
        template: true,
        period: true,
        agencyId: true,
        status: true,
        progress: true,
        minCellCount: true,
        errorCode: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
      },
      order: { period: 'DESC', template: 'ASC', createdAt: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }
}

/** For the app modules that use reports (API: requests; worker: the schedule job). */
export const REPORTS_REPOSITORY_PROVIDER = { provide: ReportsRepository, useClass: TypeOrmReportsRepository };
