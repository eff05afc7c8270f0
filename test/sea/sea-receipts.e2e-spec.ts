import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { complaintBody, focalPoint, fpApi, newComplaint } from './sea-fixtures';

const TRIES = 50;

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1];
}

const randomReceipt = () => Array.from({ length: 20 }, () => randomInt(10)).join('');

/** Each app gets its own Redis prefix, so rate-limit counters of one test never leak into another. */
const appWith = (suffix: string, env: Record<string, string> = {}) =>
  createTestApp({ REDIS_PREFIX: `${process.env.REDIS_PREFIX}_${suffix}`, ...env });

describe('SEA receipts: constant cost and rate limits', () => {
  let t: TestApp;
  let receipt: string;

  beforeAll(async () => {
    t = await appWith('timing');
    const fp = await focalPoint(t);
    const c = await newComplaint(t, complaintBody());
    receipt = c.receipt;
    // A realistic conversation, so the right receipt does its full work (decrypting messages).
    for (let i = 0; i < 3; i++) await fpApi(t, fp).post(`/sea/complaints/${c.id}/messages`, { body: `Reply number ${i}` });
  });
  afterAll(() => t?.close());

  it(`answers right and wrong receipts alike in time: p95 over ${TRIES} tries each differs by < 50 ms`, async () => {
    const time = async (r: string, expected: number) => {
      const start = process.hrtime.bigint();
      const res = await t.http().post('/sea/complaints/access').send({ receipt: r });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      expect(res.status).toBe(expected);
      return ms;
    };
    for (let i = 0; i < 3; i++) {
      await time(receipt, 200);
      await time(randomReceipt(), 404);
    }
    const right: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so load from elsewhere on the machine hits both series alike.
    for (let i = 0; i < TRIES; i++) {
      right.push(await time(receipt, 200));
      wrong.push(await time(randomReceipt(), 404));
    }
    const diff = Math.abs(p95(right) - p95(wrong));
    process.stdout.write(`receipt timing: p95 right ${p95(right).toFixed(1)} ms, wrong ${p95(wrong).toFixed(1)} ms, diff ${diff.toFixed(1)} ms\n`);
    expect(diff).toBeLessThan(50);
  });

  it('answers 429 to repeated wrong receipts from one source', async () => {
    const limited = await appWith('per_source', { THROTTLE_PUBLIC_LIMIT: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await limited.http().post('/sea/complaints/access').send({ receipt: randomReceipt() })).status);
      expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      const res = await limited.http().post('/sea/complaints/access').send({ receipt });
      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
    } finally {
      await limited.close();
    }
  });

  it('stops every receipt attempt once the global budget of failures is spent, and audits refusals', async () => {
    const global = await appWith('global', { SEA_RECEIPT_FAILURE_LIMIT: '3', THROTTLE_TTL_SECONDS: '3600' });
    try {
      const ds = global.app.get(DataSource);
      const refused = async () =>
        Number((await ds.query(`SELECT (SELECT count(*) FROM audit_queue WHERE action = 'sea.receipt.refused') + (SELECT count(*) FROM audit_events WHERE action = 'sea.receipt.refused') AS n`))[0].n);
      const before = await refused();
      for (let i = 0; i < 3; i++) expect((await global.http().post('/sea/complaints/access').send({ receipt: randomReceipt() })).status).toBe(404);
      const blocked = await global.http().post('/sea/complaints/access').send({ receipt: randomReceipt() });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('receipt_attempts_exhausted');
      // Even the right receipt waits: the budget protects every complaint.
      expect((await global.http().post('/sea/complaints/access').send({ receipt })).status).toBe(429);
      expect((await global.http().post('/sea/complaints/messages').send({ receipt, body: 'hello' })).status).toBe(429);
      // Refusals are audited off the response path: wait for the writes to land.
      for (let i = 0; i < 40 && (await refused()) < before + 3; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await refused()).toBeGreaterThanOrEqual(before + 3);
      const events: { target_id: string | null }[] = await ds.query(
        `SELECT target_id FROM audit_queue WHERE action = 'sea.receipt.refused' UNION ALL SELECT target_id FROM audit_events WHERE action = 'sea.receipt.refused'`,
      );
      expect(events.every((e) => e.target_id === null)).toBe(true);
    } finally {
      await global.close();
    }
  });
});
