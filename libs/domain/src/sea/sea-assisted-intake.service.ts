import { Injectable } from '@nestjs/common';
import { AuditRecord, AuditService } from '@amani/audit';
import { TransactionHost } from '@amani/database';
import { DomainException } from '@amani/http';
import type { SeaActor } from './sea-actor';
import type { SeaAssistedChannel } from './sea-codes';
import { SeaIntakeService, SubmitComplaintCommand } from './sea-intake.service';

export type AssistedComplaintCommand = Omit<SubmitComplaintCommand, 'channel'> & { channel: SeaAssistedChannel };

/**
 * A focal point enters a complaint received by hotline, on paper, through a community focal
 * point or in person. It is sealed exactly as a self-submitted one (SeaIntakeService.submit:
 * the complaint key sealed to every endorsed focal point and wrapped under a fresh receipt),
 * with the channel recorded as a coded field. The receipt is returned once, for the
 * complainant's slip.
 *
 * Who entered it is audited (`sea.intake.assisted`: actor, time, outcome) in the same
 * transaction, with no complaint id and no channel; nothing in the complaint's rows names
 * them (the grant they hold is the intake grant every endorsed focal point receives).
 */
@Injectable()
export class SeaAssistedIntakeService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly intake: SeaIntakeService,
    private readonly audit: AuditService,
  ) {}

  async submit(actor: SeaActor, cmd: AssistedComplaintCommand): Promise<{ receipt: string }> {
    const event: Omit<AuditRecord, 'outcome'> = {
      action: 'sea.intake.assisted',
      actorId: actor.id,
      actorRole: actor.role,
      agencyId: actor.agencyId,
      requestId: actor.requestId,
      targetType: 'sea_complaint',
    };
    try {
      return await this.tx.run(async (em) => {
        const issued = await this.intake.submit(cmd);
        await this.audit.record({ ...event, outcome: 'success' }, em);
        return issued;
      });
    } catch (e) {
      await this.audit.record({ ...event, outcome: 'failure', details: { reason: e instanceof DomainException ? e.code : 'error' } });
      throw e;
    }
  }
}
