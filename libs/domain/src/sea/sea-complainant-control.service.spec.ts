import { randomUUID } from 'node:crypto';
import { EnvelopeCrypto, loadSodium } from '@amani/crypto';
import { DomainException } from '@amani/http';
import { testAppConfig } from '@amani/testing/test-app-config';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import { SeaComplainantControlService } from './sea-complainant-control.service';
import { SeaCrypto } from './sea-crypto';
import type { SeaIntakeThrottle } from './sea-intake-throttle';
import type { SeaRetentionRepository } from './sea-retention.repository';
import { SeaIntakeService, SubmitComplaintCommand } from './sea-intake.service';
import type { SeaTrustService } from './sea-trust.service';
import { FakeSeaComplainantControlRepository } from './testing/fake-sea-complainant-control.repository';
import { FakeSeaComplaintsRepository } from './testing/fake-sea-complaints.repository';
import { FakeSeaAttachmentsRepository } from './testing/fake-sea-attachments.repository';

async function problem(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

class FakeThrottle {
  readonly calls: string[] = [];
  closed = false;
  assertReceiptAttemptsOpen(source: string | undefined): Promise<void> {
    this.calls.push(`assert:${source}`);
    return this.closed ? Promise.reject(new DomainException(429, 'receipt_attempts_exhausted', 'later')) : Promise.resolve();
  }
  recordReceiptFailure(source: string | undefined): Promise<void> {
    this.calls.push(`failure:${source}`);
    return Promise.resolve();
  }
  countAccess(): Promise<void> {
    this.calls.push('access');
    return Promise.resolve();
  }
}

const complaint: SubmitComplaintCommand = {
  category: 'sexual_exploitation',
  entityType: 'implementing_partner',
  victimSex: 'female',
  victimAgeBand: '18_25',
  complainantIsVictim: true,
  dateBand: 'last_month',
  regionCode: 'SO-BN',
  narrative: 'NARRATIVE-SENTINEL',
  contact: 'CONTACT-SENTINEL',
  wantsAssistance: true,
  language: 'en',
};

describe('SeaComplainantControlService', () => {
  let crypto: SeaCrypto;
  let tx: FakeTransactionHost;
  let repo: FakeSeaComplaintsRepository;
  let control: FakeSeaComplainantControlRepository;
  let throttle: FakeThrottle;
  let intake: SeaIntakeService;
  let sut: SeaComplainantControlService;

  beforeAll(async () => {
    const sodium = await loadSodium();
    const config = testAppConfig();
    const keys = { currentVersion: () => 1, get: () => config.secrets.masterKeys.get(1)! } as never;
    crypto = new SeaCrypto(sodium, new EnvelopeCrypto(sodium, keys), config);
  });

  beforeEach(() => {
    tx = new FakeTransactionHost();
    repo = new FakeSeaComplaintsRepository();
    control = new FakeSeaComplainantControlRepository(repo);
    throttle = new FakeThrottle();
    const trusted = [{ userId: randomUUID(), ...crypto.newKeyPair() }];
    const trust = { trusted: () => Promise.resolve(trusted) } as unknown as SeaTrustService;
    intake = new SeaIntakeService(tx.asHost(), repo, crypto, throttle as unknown as SeaIntakeThrottle, new FakeAuditService().asService(), trust, fakeLocations(), new FakeSeaAttachmentsRepository(), testAppConfig());
    sut = new SeaComplainantControlService(tx.asHost(), intake, control, crypto, { shred: control.shred.bind(control) } as unknown as SeaRetentionRepository);
  });

  const only = () => [...repo.complaints.values()][0];

  describe('withdraw', () => {
    it('deletes an unassessed complaint with its grants and conversation; the receipt then answers 410 withdrawn', async () => {
      const { receipt } = await intake.submit(complaint);
      const id = only().record.id;
      await intake.sendMessage(receipt, 'A message', 'src');
      expect(await sut.withdraw(receipt, 'src')).toEqual({ status: 'withdrawn' });
      expect(repo.complaints.size).toBe(0);
      expect([repo.grants.has(id), repo.messagesOf.has(id)]).toEqual([false, false]);
      const e = await problem(intake.access(receipt, 'src'));
      expect([e.status, e.code]).toEqual([410, 'complaint_withdrawn']);
      // A right (withdrawn) receipt is no failure against the source's budget.
      expect(throttle.calls.filter((c) => c.startsWith('failure'))).toEqual([]);
      expect(tx.maxDepth).toBe(1);
    });

    it('keeps an assessed complaint only as a shredded, coded row with status withdrawn', async () => {
      const { receipt } = await intake.submit(complaint);
      const stored = only();
      Object.assign(stored.record, { status: 'assessment', codedConfirmedOn: '2026-11-02' });
      const key = Buffer.from(stored.key);
      await sut.withdraw(receipt, 'src');
      expect(stored.record).toMatchObject({ status: 'withdrawn', category: 'sexual_exploitation', codedConfirmedOn: '2026-11-02', shreddedOn: expect.any(String) });
      expect([stored.narrative, stored.contact, stored.receipt]).toEqual(['', null, undefined]);
      expect(repo.grants.has(stored.record.id)).toBe(false);
      // The old key no longer opens anything: nothing sealed under it is left.
      expect(key.equals(stored.key)).toBe(false);
      expect((await problem(sut.withdraw(receipt, 'src'))).code).toBe('complaint_withdrawn');
    });

    it('a wrong receipt withdraws nothing and spends the source budget', async () => {
      await intake.submit(complaint);
      const e = await problem(sut.withdraw('1111-2222-3333-4444-5555', 'src'));
      expect(e.status).toBe(404);
      expect(throttle.calls).toEqual(['assert:src', 'failure:src']);
      expect(repo.complaints.size).toBe(1);
      expect(control.locks).toEqual([]);
    });

    it('an exhausted source withdraws nothing', async () => {
      const { receipt } = await intake.submit(complaint);
      throttle.closed = true;
      expect((await problem(sut.withdraw(receipt, 'src'))).status).toBe(429);
      expect(repo.complaints.size).toBe(1);
    });
  });

  it('erases the contact details, the view says so, pending assistance loses the contact too', async () => {
    const { receipt } = await intake.submit(complaint);
    expect((await intake.access(receipt, 'src')).contactOnFile).toBe(true);
    const view = await sut.eraseContact(receipt, 'src');
    expect(view.contactOnFile).toBe(false);
    expect(only().contact).toBeNull();
    expect(only().narrative).toBe('NARRATIVE-SENTINEL');
  });

  it('records no-further-messages once, keeping the first day', async () => {
    const { receipt } = await intake.submit(complaint);
    const view = await sut.declineMessages(receipt, 'src');
    expect(view.messagesDeclined).toBe(true);
    const day = only().record.messagesDeclinedOn;
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await sut.declineMessages(receipt, 'src');
    expect(only().record.messagesDeclinedOn).toBe(day);
  });

  it('changes the receipt: the new one opens the complaint under the same key, the old one no longer does', async () => {
    const { receipt } = await intake.submit(complaint);
    const key = Buffer.from(only().key);
    const next = await sut.changeReceipt(receipt, 'src');
    expect(next.receipt).toMatch(/^\d{4}(-\d{4}){4}$/);
    expect(next.receipt).not.toBe(receipt);
    expect((await problem(intake.access(receipt, 'src'))).status).toBe(404);
    expect((await intake.access(next.receipt, 'src')).status).toBe('received');
    const stored = only();
    const secrets = await crypto.deriveReceipt(next.receipt.replace(/-/g, ''));
    expect(crypto.unwrapForReceipt(stored.receipt!.wrappedKey, secrets.wrapKey, stored.record.id).equals(key)).toBe(true);
  });

  it('a receipt replaced between opening and locking is no longer recognised (no action taken)', async () => {
    const { receipt } = await intake.submit(complaint);
    const original = control.lockLive.bind(control);
    control.lockLive = async (id, verifier) => {
      only().receipt!.verifier = Buffer.alloc(32, 9);
      return original(id, verifier);
    };
    expect((await problem(sut.withdraw(receipt, 'src'))).code).toBe('receipt_not_recognised');
    expect(repo.complaints.size).toBe(1);
  });
});
