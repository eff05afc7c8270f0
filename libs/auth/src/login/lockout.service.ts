import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, InjectConfig } from '@amani/config';
import { returnedRows } from '../sql';

/** Longest single lockout, whatever the number of failures. */
export const MAX_LOCKOUT_SECONDS = 24 * 60 * 60;

export interface FailureOutcome {
  failures: number;
  /** This failure started a lockout. */
  locked: boolean;
}

/**
 * Counts consecutive failed passwords and TOTP codes per account. After maxFailures the
 * account is locked for lockoutSeconds, doubling with every further failure after a lockout
 * ends (capped at a day). Counters are updated in one statement, so concurrent attempts
 * cannot lose a failure; the row's `version` is left alone (it is for admin edits).
 */
@Injectable()
export class LockoutService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async recordFailure(userId: string, em?: EntityManager): Promise<FailureOutcome> {
    const manager = em ?? this.dataSource.manager;
    const { maxFailures, lockoutSeconds } = this.config.auth;
    const rows = returnedRows<{ failed_logins: number; locked: boolean }>(
      await manager.query(
        `UPDATE users SET
           failed_logins = failed_logins + 1,
           locked_until = CASE WHEN failed_logins + 1 >= $2
             THEN now() + make_interval(secs => LEAST($3::double precision * power(2, LEAST(failed_logins + 1 - $2, 20)), GREATEST($3, $4)))
             ELSE locked_until END
         WHERE id = $1
         RETURNING failed_logins, (failed_logins >= $2) AS locked`,
        [userId, maxFailures, lockoutSeconds, MAX_LOCKOUT_SECONDS],
      ),
    );
    const row = rows[0];
    return { failures: row?.failed_logins ?? 0, locked: row?.locked ?? false };
  }

  async reset(userId: string, em?: EntityManager): Promise<void> {
    const manager = em ?? this.dataSource.manager;
    await manager.query(
      `UPDATE users SET failed_logins = 0, locked_until = NULL
        WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)`,
      [userId],
    );
  }
}
