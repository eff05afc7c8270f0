import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { SeaActor } from './sea-actor';
import { AssistedComplaintCommand, SeaAssistedIntakeService } from './sea-assisted-intake.service';
import type { SeaIntakeService, SubmitComplaintCommand } from './sea-intake.service';

const cmd: AssistedComplaintCommand = {
  category: 'sexual_abuse',
  entityType: 'peacekeeping',
  victimSex: 'female',
  victimAgeBand: '12_17',
  complainantIsVictim: false,
  dateBand: 'last_month',
  regionCode: null,
  narrative: 'Taken by phone',
  contact: null,
  wantsAssistance: false,
  language: 'fr',
  channel: 'hotline',
};

describe('SeaAssistedIntakeService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let submitted: SubmitComplaintCommand[];
  let failWith: Error | null;
  let sut: SeaAssistedIntakeService;
  const actor: SeaActor = { id: randomUUID(), role: 'psea_focal_point', agencyId: randomUUID(), sessionId: randomUUID(), requestId: 'req-1' };

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    submitted = [];
    failWith = null;
    const intake = {
      submit: (c: SubmitComplaintCommand) =>
        tx.run(() => {
          if (failWith) return Promise.reject(failWith);
          submitted.push(c);
          return Promise.resolve({ receipt: '0123-4567-8901-2345-6789' });
        }),
    } as unknown as SeaIntakeService;
    sut = new SeaAssistedIntakeService(tx.asHost(), intake, audit.asService());
  });

  it('submits through the one intake path with the channel, returns the receipt once, audits who without which complaint', async () => {
    expect(await sut.submit(actor, cmd)).toEqual({ receipt: '0123-4567-8901-2345-6789' });
    expect(submitted).toEqual([cmd]);
    expect(audit.events).toEqual([expect.objectContaining({ action: 'sea.intake.assisted', outcome: 'success', actorId: actor.id, targetType: 'sea_complaint' })]);
    expect(audit.events[0].targetId).toBeUndefined();
    expect(JSON.stringify(audit.events)).not.toMatch(/hotline|0123|Taken by phone/);
    // Intake and its audit event commit together.
    expect([tx.runs, tx.maxDepth]).toEqual([1, 2]);
  });

  it('a refused intake is audited as a failure with its code and rethrown', async () => {
    failWith = new DomainException(503, 'sea_intake_unavailable', 'later');
    await expect(sut.submit(actor, cmd)).rejects.toBe(failWith);
    expect(audit.events).toEqual([expect.objectContaining({ action: 'sea.intake.assisted', outcome: 'failure', details: { reason: 'sea_intake_unavailable' } })]);
  });
});
