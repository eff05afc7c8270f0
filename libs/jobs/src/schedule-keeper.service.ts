import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { AppConfig, InjectConfig } from '@amani/config';
import { MAIN_QUEUE } from './queues';
import { RecurringJob, RecurringJobScheduler } from './recurring-job.scheduler';

/** What readiness reports about the schedules. */
export interface ScheduleState {
  expected: string[];
  missing: string[];
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('redis did not answer in time')), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

/**
 * Worker only: keeps every declared recurring job as a BullMQ job scheduler. A Redis that
 * restarts empty (no persistence, a failover, a flush) loses them, and nothing would fire
 * again until a worker restarted; so the keeper re-asserts them all each time the queue's
 * connection becomes ready, and checks every WORKER_SCHEDULE_CHECK_MS for any that went
 * missing without a reconnection. Upserting the same scheduler id is atomic and idempotent
 * in BullMQ (one scheduler, one next job), so any number of workers may do it at once.
 */
@Injectable()
export class ScheduleKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleKeeper.name);
  private jobs: RecurringJob[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private pending?: 'start' | 'reconnect' | 'check';
  private stopped = false;
  private detach?: () => void;

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectQueue(MAIN_QUEUE) private readonly queue: Queue,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs = collectRecurringJobs(
      this.discovery.getProviders().flatMap((w) => (w.instance instanceof RecurringJobScheduler ? [w.instance] : [])),
    );
    // The backend re-emits 'ready' each time the queue's Redis connection (re)connects.
    const backend = this.queue.getBackend();
    const onReady = () => this.trigger('reconnect');
    backend.on('ready', onReady);
    this.detach = () => backend.off('ready', onReady);
    this.trigger('start');
    this.timer = setInterval(() => this.trigger('check'), this.config.worker.scheduleCheckMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.detach?.();
    await this.running;
  }

  /** The scheduler ids this worker keeps. */
  expected(): string[] {
    return this.jobs.map((j) => j.id);
  }

  /** Reads the schedulers present in Redis; throws when Redis does not answer within `timeoutMs`. */
  async state(timeoutMs = 1500): Promise<ScheduleState> {
    const present = await withTimeout(this.presentIds(), timeoutMs);
    return { expected: this.expected(), missing: this.expected().filter((id) => !present.has(id)) };
  }

  /**
   * 'start' and 'reconnect' upsert every schedule (Redis may hold stale settings or nothing);
   * 'check' upserts only the missing ones, so a periodic check never reschedules a live one.
   * One pass at a time.
   */
  private trigger(reason: 'start' | 'reconnect' | 'check'): void {
    if (this.stopped) return;
    if (this.running) {
      // A reconnection during a pass must not be lost: run a full pass after this one.
      if (reason !== 'check' || !this.pending) this.pending = reason;
      return;
    }
    this.running = this.assertSchedules(reason)
      .catch((e: unknown) => {
        this.logger.warn({ event: 'schedule.assert_failed', reason, err: { type: (e as Error)?.name } }, 'could not assert job schedules; will retry');
      })
      .finally(() => {
        this.running = undefined;
        const next = this.pending;
        this.pending = undefined;
        if (next) this.trigger(next);
      });
  }

  private async assertSchedules(reason: 'start' | 'reconnect' | 'check'): Promise<void> {
    let todo = this.jobs;
    if (reason === 'check') {
      const present = await withTimeout(this.presentIds(), 5000);
      todo = this.jobs.filter((j) => !present.has(j.id));
      if (!todo.length) return;
      this.logger.warn({ event: 'schedule.missing', schedules: todo.map((j) => j.id) }, 'job schedules missing from Redis; re-creating them');
    }
    for (const r of todo) {
      await withTimeout(this.queue.upsertJobScheduler(r.id, r.repeat, { name: r.job, data: r.data ?? {} }), 5000);
    }
    this.logger.log({ event: 'schedule.asserted', reason, schedules: todo.length }, 'job schedules asserted');
  }

  private async presentIds(): Promise<Set<string>> {
    // While disconnected, commands would wait in the connection's offline queue: answer now.
    const client = await this.queue.getBackend().client;
    if (client.status !== 'ready') throw new Error('redis is not connected');
    const ids = new Set<string>();
    for (const s of await this.queue.getJobSchedulers(0, -1)) if (s.key) ids.add(s.key);
    return ids;
  }
}

/** Every recurring job of the given schedulers; two declarations of one id stop the worker at start-up. */
export function collectRecurringJobs(schedulers: RecurringJobScheduler[]): RecurringJob[] {
  const jobs = schedulers.flatMap((s) => s.recurringJobs());
  const seen = new Set<string>();
  for (const j of jobs) {
    if (seen.has(j.id)) throw new Error(`job scheduler "${j.id}" is declared twice`);
    seen.add(j.id);
  }
  return jobs;
}
