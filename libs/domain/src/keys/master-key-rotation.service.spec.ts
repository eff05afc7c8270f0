import { Logger } from '@nestjs/common';
import type { TransactionHost } from '@amani/database';
import type { EntityManager } from 'typeorm';
import type { EnvelopeCrypto, MasterKeyProvider } from '@amani/crypto';
import type { OutboxService } from '@amani/jobs';
import { MasterKeyRotationService, RetireRefusedError } from './master-key-rotation.service';
import type { MasterKeyTarget } from './master-key-targets';

/** A target over an in-memory list of row versions; rows listed in `locked` are skipped (as SKIP LOCKED would). */
class FakeTarget implements MasterKeyTarget {
  batches = 0;
  constructor(
    readonly name: string,
    readonly rows: number[],
    readonly locked = new Set<number>(),
  ) {}

  countByVersion(): Promise<Map<number, number>> {
    const m = new Map<number, number>();
    for (const v of this.rows) m.set(v, (m.get(v) ?? 0) + 1);
    return Promise.resolve(m);
  }

  rewrapBatch(_em: EntityManager, _c: EnvelopeCrypto, current: number, limit: number): Promise<number> {
    let n = 0;
    for (let i = 0; i < this.rows.length && n < limit; i++) {
      if (this.rows[i] !== current && !this.locked.has(i)) {
        this.rows[i] = current;
        n++;
      }
    }
    if (n) this.batches++;
    return Promise.resolve(n);
  }
}

function service(targets: MasterKeyTarget[], current = 2) {
  const queries: string[] = [];
  const em = { query: (sql: string) => (queries.push(sql), Promise.resolve([])) } as unknown as EntityManager;
  const ds = { manager: em, run: <T>(fn: (m: EntityManager) => Promise<T>) => fn(em) } as unknown as TransactionHost;
  const keys: MasterKeyProvider = { currentVersion: () => current, get: () => new Uint8Array(32), versions: () => [1, current] };
  return { svc: new MasterKeyRotationService(ds, {} as EnvelopeCrypto, keys, {} as OutboxService, targets), queries };
}

describe('MasterKeyRotationService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  it('re-wraps every target in batches until nothing is under another version, then records the re-wrap finished', async () => {
    const a = new FakeTarget('a.x', [1, 1, 1, 1, 1]);
    const b = new FakeTarget('b.y', [2, 1, 1]);
    const { svc, queries } = service([a, b]);
    const progress: number[] = [];
    expect(await svc.rewrap(2, (d) => Promise.resolve(void progress.push(d)))).toEqual({ rewrapped: 7, remaining: 0 });
    expect(a.batches).toBe(3);
    expect(b.batches).toBe(1);
    expect(progress).toEqual([2, 4, 5, 7]);
    expect(queries.some((q) => /rewrap_finished_at = now\(\)/.test(q))).toBe(true);
  });

  it('reports rows it could not take (locked throughout) and does not mark the re-wrap finished', async () => {
    const a = new FakeTarget('a.x', [1, 1], new Set([0]));
    const { svc, queries } = service([a]);
    expect(await svc.rewrap(10)).toEqual({ rewrapped: 1, remaining: 1 });
    expect(queries.some((q) => /rewrap_finished_at/.test(q))).toBe(false);
  }, 10_000);

  it('refuses to retire the current version, or one that still protects a value', async () => {
    const { svc } = service([new FakeTarget('a.x', [1, 2])]);
    await expect(svc.retire(2)).rejects.toMatchObject({ reason: 'current' });
    await expect(svc.retire(1)).rejects.toEqual(new RetireRefusedError('in_use', 1));
    const free = service([new FakeTarget('a.x', [2, 2])]);
    await expect(free.svc.retire(1)).resolves.toBeUndefined();
    expect(free.queries.some((q) => /retired_at/.test(q))).toBe(true);
  });
});
