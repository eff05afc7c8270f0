import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { complaintBody, focalPoint, fpApi, newComplaint } from './sea-fixtures';

const TRIES = 50;

/**
 * The middle sample: what an attacker timing many tries would compare. A tail percentile of 50
 * samples measures the machine's scheduler (another suite running beside this one) more than
 * a systematic difference between the two paths.
 */
function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2;
}

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
    t = await appWith('timing', { SEA_RECEIPT_SOURCE_FAILURE_LIMIT: '1000' });
    const fp = await focalPoint(t);
    const c = await newComplaint(t, complaintBody());
    receipt = c.receipt;
    // A realistic conversation, so the right receipt does its full work (decrypting messages).
    for (let i = 0; i < 3; i++) await fpApi(t, fp).post(`/sea/complaints/${c.id}/messages`, { body: `Reply number ${i}` });
  });
  afterAll(() => t?.close());

  it(`answers right and wrong receipts alike in time: the median of ${TRIES} interleaved tries each differs by < 50 ms`, async () => {
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
    const diff = Math.abs(median(right) - median(wrong));
    process.stdout.write(
      `receipt timing: median right ${median(right).toFixed(1)} ms, wrong ${median(wrong).toFixed(1)} ms, diff ${diff.toFixed(1)} ms (p95 ${p95(right).toFixed(1)} / ${p95(wrong).toFixed(1)} ms)\n`,
    );
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

  it('budgets failed receipts per source: a source past its budget waits, another source does not, and refusals are audited', async () => {
    const app = await appWith('per_source_budget', { TRUST_PROXY: 'loopback', SEA_RECEIPT_SOURCE_FAILURE_LIMIT: '3', THROTTLE_TTL_SECONDS: '3600' });
    try {
      const ds = app.app.get(DataSource);
      const refused = async () =>
        Number((await ds.query(`SELECT (SELECT count(*) FROM audit_queue WHERE action = 'sea.receipt.refused') + (SELECT count(*) FROM audit_events WHERE action = 'sea.receipt.refused') AS n`))[0].n);
      const before = await refused();
      const from = (source: string) => ({ 'X-Forwarded-For': source });
      for (let i = 0; i < 3; i++) expect((await app.http().post('/sea/complaints/access').set(from('198.51.100.1')).send({ receipt: randomReceipt() })).status).toBe(404);
      const blocked = await app.http().post('/sea/complaints/access').set(from('198.51.100.1')).send({ receipt: randomReceipt() });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('receipt_attempts_exhausted');
      // That source waits even with the right receipt; any other source is untouched.
      expect((await app.http().post('/sea/complaints/access').set(from('198.51.100.1')).send({ receipt })).status).toBe(429);
      expect((await app.http().post('/sea/complaints/messages').set(from('198.51.100.1')).send({ receipt, body: 'hello' })).status).toBe(429);
      expect((await app.http().post('/sea/complaints/access').set(from('198.51.100.2')).send({ receipt })).status).toBe(200);
      // Refusals are audited off the response path: wait for the writes to land.
      for (let i = 0; i < 40 && (await refused()) < before + 3; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await refused()).toBeGreaterThanOrEqual(before + 3);
      const events: { target_id: string | null }[] = await ds.query(
        `SELECT target_id FROM audit_queue WHERE action = 'sea.receipt.refused' UNION ALL SELECT target_id FROM audit_events WHERE action = 'sea.receipt.refused'`,
      );
      expect(events.every((e) => e.target_id === null)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('never refuses everyone: 300 wrong receipts spread over 15 sources leave a 16th source its follow-up', async () => {
    const app = await appWith('spread', {
      TRUST_PROXY: 'loopback',
      SEA_RECEIPT_FAILURE_LIMIT: '50',
      SEA_RECEIPT_SOURCE_FAILURE_LIMIT: '10',
      SEA_RECEIPT_SOURCE_FAILURE_LIMIT_UNDER_ATTACK: '2',
      THROTTLE_TTL_SECONDS: '3600',
    });
    try {
      const from = (n: number) => ({ 'X-Forwarded-For': `198.51.100.${n}` });
      const statuses: number[] = [];
      for (let round = 0; round < 20; round++) {
        for (let source = 1; source <= 15; source++) {
          const res = await app.http().post('/sea/complaints/access').set(from(source)).send({ receipt: randomReceipt() });
          statuses.push(res.status);
          if (res.status === 429) expect(res.body.code).toBe('receipt_attempts_exhausted');
        }
      }
      expect(statuses).toHaveLength(300);
      // Round robin: 3 full rounds and 5 more reach the 50 of the all-sources limit; from then on
      // every attacking source is past the smaller budget of 2, and each is refused on its own.
      expect(statuses.filter((s) => s === 404)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(250);
      // The complainant, from a source of their own, follows up and writes.
      expect((await app.http().post('/sea/complaints/access').set(from(16)).send({ receipt })).status).toBe(200);
      expect((await app.http().post('/sea/complaints/messages').set(from(16)).send({ receipt, body: 'still here' })).status).toBe(201);
      // Under attack, a source gets only the smaller budget: one typo, then a second, then it waits.
      expect((await app.http().post('/sea/complaints/access').set(from(17)).send({ receipt: randomReceipt() })).status).toBe(404);
      expect((await app.http().post('/sea/complaints/access').set(from(17)).send({ receipt: randomReceipt() })).status).toBe(404);
      expect((await app.http().post('/sea/complaints/access').set(from(17)).send({ receipt })).status).toBe(429);
    } finally {
      await app.close();
    }
  });
});
