import { Injectable } from '@nestjs/common';
import { RecurringJob, RecurringJobScheduler } from '@amani/jobs';
import { DEADLINE_SCAN_JOB } from './deadline-scan.job';
import { REFERRAL_OVERDUE_JOB } from './referral-overdue.job';

export const REFERRAL_OVERDUE_EVERY_MS = 300_000;
export const DEADLINE_SCAN_EVERY_MS = 300_000;

/** Worker only: the referral follow-up scan and the deadline scan, every five minutes. */
@Injectable()
export class ReferralOverdueScheduler extends RecurringJobScheduler {
  recurringJobs(): RecurringJob[] {
    return [
      { id: REFERRAL_OVERDUE_JOB, job: REFERRAL_OVERDUE_JOB, repeat: { every: REFERRAL_OVERDUE_EVERY_MS } },
      { id: DEADLINE_SCAN_JOB, job: DEADLINE_SCAN_JOB, repeat: { every: DEADLINE_SCAN_EVERY_MS } },
    ];
  }
}
