import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, InjectConfig } from '@amani/config';
import { returnedRows } from '../sql';

/** Longest single lockout, whatever the number of failures. */
export const MAX_LOCKOUT_SECONDS = 24 * 60 * 60;

/** An attempt allowed to run: counted as a failure until it succeeds. */
export interface AttemptReservation {
  /** The failure count this attempt brought the account to. */
  attempt: number;
  /** This attempt started a lockout (it is still evaluated; a failure is then audited as a lockout). */
  locks: boolean;
}

/**
 * Race-free lockout for passwords, TOTP codes and SEA key passphrases. Every attempt first
 * reserves itself in one `UPDATE … RETURNING` that counts it as a failure and refuses when
 * the account is locked, so N parallel guesses cannot all be evaluated: at most maxFailures
 * run before the lock. The attempt that reaches maxFailures locks the account for
 * lockoutSeconds (doubling with every further failure after a lockout ends, capped at a
 * day). A success clears the counter only if no later attempt locked the account meanwhile.
 * The row's `version` is left alone (it is for admin edits).
 */
@Injectable()
export class LockoutService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Null when the account is locked (or gone): the attempt must not be evaluated. Without an
   * `em` the reservation commits on its own, on purpose: a failed attempt must stay counted
   * even when the caller's work rolls back. Callers therefore reserve outside any open
   * transaction (the pool guard refuses a second checkout inside one).
   */
  async reserve(userId: string, em?: EntityManager): Promise<AttemptReservation | null> {
    const manager = em ?? this.dataSource.manager;
    const { maxFailures, lockoutSeconds } = this.config.auth;
    const rows = returnedRows<{ failed_logins: number; locks: boolean }>(
      await manager.query(
        `UPDATE users SET
           failed_logins = failed_logins + 1,
           locked_until = CASE WHEN failed_logins + 1 >= $2
             THEN now() + make_interval(secs => LEAST($3::double precision * power(2, LEAST(failed_logins + 1 - $2, 20)), GREATEST($3, $4)))
             ELSE NULL END
         WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
         RETURNING failed_logins, (failed_logins >= $2) AS locks`,
        [userId, maxFailures, lockoutSeconds, MAX_LOCKOUT_SECONDS],
      ),
    );
    const row = rows[0];
    return row ? { attempt: row.failed_logins, locks: row.locks } : null;
  }

  /**
   * The reserved attempt succeeded: clears the counter unless the account is locked by an
   * attempt reserved after this one. False means "locked meanwhile": refuse the success.
   */
  async succeed(userId: string, reservation: AttemptReservation, em?: EntityManager): Promise<boolean> {
    const manager = em ?? this.dataSource.manager;
    const rows = returnedRows(
      await manager.query(
        `UPDATE users SET failed_logins = 0, locked_until = NULL
          WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now() OR failed_logins = $2)
          RETURNING id`,
        [userId, reservation.attempt],
      ),
    );
    return rows.length === 1;
  }
}
