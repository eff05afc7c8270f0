import { randomUUID } from 'node:crypto';
import { EnvelopeCrypto, loadSodium } from '@amani/crypto';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import { testAppConfig } from '@amani/testing/test-app-config';
import { DomainException } from '@amani/http';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import { SeaCrypto } from './sea-crypto';
import type { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaIntakeService, SubmitComplaintCommand } from './sea-intake.service';
import type { SeaTrustService } from './sea-trust.service';
import { FakeSeaComplaintsRepository } from './testing/fake-sea-complaints.repository';
import { FakeSeaAttachmentsRepository } from './testing/fake-sea-attachments.repository';
import sharp from 'sharp';

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
  category: 'sexual_abuse',
  entityType: 'peacekeeping',
  victimSex: 'female',
  victimAgeBand: '12_17',
  complainantIsVictim: false,
  dateBand: 'last_month',
  regionCode: 'SO-BN',
  narrative: 'What happened, in the complainant’s words',
  contact: '',
  wantsAssistance: false,
  language: 'fr',
};

describe('SeaIntakeService', () => {
  let crypto: SeaCrypto;
  let tx: FakeTransactionHost;
  let repo: FakeSeaComplaintsRepository;
  let throttle: FakeThrottle;
  let audit: FakeAuditService;
  let trusted: { userId: string; publicKey: Buffer; privateKey: Buffer }[];
  let sut: SeaIntakeService;
  let files: FakeSeaAttachmentsRepository;

  beforeAll(async () => {
    const sodium = await loadSodium();
    const config = testAppConfig();
    const keys = { currentVersion: () => 1, get: () => config.secrets.masterKeys.get(1)! } as never;
    crypto = new SeaCrypto(sodium, new EnvelopeCrypto(sodium, keys), config);
  });

  beforeEach(() => {
    tx = new FakeTransactionHost();
    repo = new FakeSeaComplaintsRepository();
    throttle = new FakeThrottle();
    audit = new FakeAuditService();
    trusted = [0, 1].map(() => ({ userId: randomUUID(), ...crypto.newKeyPair() }));
    const trust = { trusted: () => Promise.resolve(trusted) } as unknown as SeaTrustService;
    files = new FakeSeaAttachmentsRepository();
    const config = { ...testAppConfig(), attachments: { maxBytes: 64 * 1024 } };
    sut = new SeaIntakeService(tx.asHost(), repo, crypto, throttle as unknown as SeaIntakeThrottle, audit.asService(), trust, fakeLocations(), files, config);
  });

  it('refuses intake (503) while no focal point key is endorsed', async () => {
    trusted = [];
    expect((await problem(sut.submit(complaint))).status).toBe(503);
    expect(repo.complaints.size).toBe(0);
  });

  it('stores a received complaint sealed to every endorsed key, with no audit event and the receipt only returned', async () => {
    const { receipt } = await sut.submit(complaint);
    expect(receipt).toMatch(/^\d{4}(-\d{4}){4}$/);
    const [stored] = [...repo.complaints.values()];
    expect(stored.record).toMatchObject({ status: 'received', codedConfirmedOn: null, language: 'fr', outcome: null, shreddedOn: null, channel: 'web', messagesDeclinedOn: null });
    expect(stored.contact).toBeNull();
    expect(stored.receipt!.verifier.toString('latin1')).not.toContain(receipt.replace(/-/g, ''));
    for (const fp of trusted) {
      const sealed = repo.sealedGrants.find((g) => g.userId === fp.userId)!;
      expect(crypto.openComplaintKey(sealed.sealedKey, stored.record.id, fp.publicKey, fp.privateKey).equals(stored.key)).toBe(true);
    }
    expect(audit.events).toEqual([]);
    expect(tx.runs).toBe(1);
  });

  it('the receipt opens the conversation; the complainant writes back in it; the narrative never comes back', async () => {
    const { receipt } = await sut.submit(complaint);
    const view = await sut.access(receipt, '10.0.0.1');
    expect(view).toEqual({ status: 'received', outcome: null, receivedOn: expect.any(String), language: 'fr', messages: [], contactOnFile: false, messagesDeclined: false });
    const after = await sut.sendMessage(receipt.replace(/-/g, ' '), 'Is there news?', '10.0.0.1');
    expect(after.messages).toEqual([{ from: 'complainant', body: 'Is there news?', sentOn: expect.any(String) }]);
    expect(JSON.stringify(after)).not.toContain('complainant’s words');
    expect(throttle.calls).toEqual(['assert:10.0.0.1', 'access', 'assert:10.0.0.1', 'access']);
  });

  it('a wrong receipt is 404, counts against the source and is audited without a complaint id', async () => {
    await sut.submit(complaint);
    const e = await problem(sut.access('1234-5678-9012-3456-7890', '10.0.0.2'));
    expect([e.status, e.code]).toEqual([404, 'receipt_not_recognised']);
    expect(throttle.calls).toEqual(['assert:10.0.0.2', 'failure:10.0.0.2']);
    expect(audit.events).toEqual([expect.objectContaining({ action: 'sea.receipt.refused', outcome: 'failure', details: { reason: 'no_match' } })]);
    expect(audit.events[0].targetId).toBeUndefined();
  });

  it('a malformed receipt is a 400 naming the field, before any budget is spent', async () => {
    const e = await problem(sut.access('12-34', 'x'));
    expect([e.status, e.errors?.[0].field]).toEqual([400, 'receipt']);
    expect(throttle.calls).toEqual([]);
  });

  it('an exhausted source is refused before any work', async () => {
    const { receipt } = await sut.submit(complaint);
    throttle.closed = true;
    expect((await problem(sut.access(receipt, 'x'))).status).toBe(429);
  });

  it('a shredded complaint no longer answers to its receipt', async () => {
    const { receipt } = await sut.submit(complaint);
    [...repo.complaints.values()][0].record.shreddedOn = '2026-12-01';
    expect((await problem(sut.access(receipt, 'x'))).status).toBe(404);
  });

  it('records the channel an assisted intake names', async () => {
    await sut.submit({ ...complaint, channel: 'paper' });
    expect([...repo.complaints.values()][0].record.channel).toBe('paper');
  });

  it('offers the regions the agencies serve', async () => {
    repo.addAgency(['legal'], ['SO-BN', 'SO-AW']);
    repo.addAgency(['medical'], ['SO-AW']);
    expect(await sut.regionCodes()).toEqual(['SO-AW', 'SO-BN']);
  });

  describe('evidence', () => {
    const EXIF_CANARY = 'CANARY-SEA-EXIF-91c2';
    const photo = () =>
      sharp({ create: { width: 16, height: 8, channels: 3, background: '#884422' } })
        .jpeg()
        .withExif({ IFD0: { ImageDescription: EXIF_CANARY }, IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '1/1 17/1 0/1' } })
        .toBuffer();

    it('a photo sent with a report is stored cleaned (no EXIF), under the complaint key, in the same transaction', async () => {
      await sut.submit(complaint, { content: await photo() });
      const [stored] = [...repo.complaints.values()];
      const [file] = [...files.stored.values()];
      expect(file.view).toMatchObject({ complaintId: stored.record.id, messageId: null, mediaType: 'image/jpeg', addedOn: stored.record.receivedOn });
      expect(file.key.equals(stored.key)).toBe(true);
      const content = Buffer.concat(file.chunks);
      expect(content.toString('latin1')).not.toContain(EXIF_CANARY);
      expect((await sharp(content).metadata()).exif).toBeUndefined();
      expect(tx.runs).toBe(1);
    });

    it('a follow-up message carries its file, linked to the message', async () => {
      const { receipt } = await sut.submit(complaint);
      await sut.sendMessage(receipt, 'Here is a photo', 'x', { content: await photo() });
      const [file] = [...files.stored.values()];
      const [message] = repo.messagesOf.get(file.view.complaintId)!;
      expect(file.view.messageId).toBe(message.id);
    });

    it('refuses by content, not by name: other types (415), oversized files (413) and broken images (422) store nothing', async () => {
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      expect(await problem(sut.submit(complaint, { content: svg }))).toMatchObject({ status: 415, code: 'unsupported_attachment_type' });
      expect(await problem(sut.submit(complaint, { content: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64 * 1024)]) }))).toMatchObject({
        status: 413,
        code: 'attachment_too_large',
      });
      const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 7)]);
      expect(await problem(sut.submit(complaint, { content: broken }))).toMatchObject({ status: 422, code: 'unreadable_attachment' });
      expect(repo.complaints.size).toBe(0);
      expect(files.stored.size).toBe(0);
      expect(tx.runs).toBe(0);
    });

    it('a refused file on a follow-up spends no receipt attempt and writes no message', async () => {
      const { receipt } = await sut.submit(complaint);
      throttle.calls.length = 0;
      expect((await problem(sut.sendMessage(receipt, 'see file', 'x', { content: Buffer.from('MZ not a photo') }))).status).toBe(415);
      expect(throttle.calls).toEqual([]);
      expect(repo.messagesOf.size).toBe(0);
    });
  });
});
