import { DomainException } from '@amani/http';
import type { EntityManager } from 'typeorm';
import type { AuditRecord, AuditService } from '@amani/audit';
import type { TransactionHost } from '@amani/database';

/**
 * Stand-ins for unit tests of domain services (no database, no Nest module): a transaction
 * host that runs the use case at once and counts how often one was opened, and an audit
 * service that keeps the events it was given.
 */
export class FakeTransactionHost {
  /** A marker manager: the services only pass it on to the audit. */
  readonly em = { fake: 'transaction' } as unknown as EntityManager;
  runs = 0;
  depth = 0;
  /** Deepest nesting seen: a use case that calls another must join (runs once per outermost use case). */
  maxDepth = 0;

  get manager(): EntityManager {
    return this.em;
  }

  async run<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.depth === 0) this.runs += 1;
    this.depth += 1;
    this.maxDepth = Math.max(this.maxDepth, this.depth);
    try {
      return await fn(this.em);
    } finally {
      this.depth -= 1;
    }
  }

  asHost(): TransactionHost {
    return this as unknown as TransactionHost;
  }
}

export interface RecordedAudit extends AuditRecord {
  /** True when the event was written with the use case's transaction (commits with it). */
  inTransaction: boolean;
}

export class FakeAuditService {
  readonly events: RecordedAudit[] = [];

  record(event: AuditRecord, em?: EntityManager): Promise<void> {
    this.events.push({ ...event, inTransaction: em !== undefined });
    return Promise.resolve();
  }

  actions(): string[] {
    return this.events.map((e) => `${e.action}:${e.outcome}`);
  }

  last(): RecordedAudit | undefined {
    return this.events.at(-1);
  }

  asService(): AuditService {
    return this as unknown as AuditService;
  }
}

/** The DomainException a promise rejects with; fails when it resolves or rejects with something else. */
export async function problemOf(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}
