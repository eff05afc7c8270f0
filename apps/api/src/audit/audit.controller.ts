import { Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditSequencer, AuditService, AuditVerifier, AuditVerifyResult } from '@amani/audit';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { OutboxService } from '@amani/jobs';
import { AuditCheckpointAcceptedDto, AuditVerifyResponseDto } from './audit.dto';
import { TransactionHost } from '@amani/database';

/** Admin-only: verify the audit chain, ask for a signed checkpoint. Both are audited. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionHost,
    private readonly audit: AuditService,
    private readonly sequencer: AuditSequencer,
    private readonly verifier: AuditVerifier,
    private readonly outbox: OutboxService,
  ) {}

  @Get('verify')
  @ApiOperation({ summary: 'Verify the audit chain' })
  @Roles('admin')
  @ApiOkResponse({ type: AuditVerifyResponseDto })
  async verify(@CurrentUser() user: AuthUser, @RequestId() requestId: string | undefined): Promise<AuditVerifyResult> {
    await this.sequencer.flush();
    const result = await this.verifier.verify();
    await this.audit.record({
      action: 'audit.verify',
      outcome: result.ok ? 'success' : 'failure',
      actorId: user.id,
      actorRole: user.role,
      agencyId: user.agencyId ?? null,
      details: result.ok ? { length: result.length } : { firstBrokenSeq: result.firstBrokenSeq, reason: result.reason },
      requestId: requestId ?? null,
    });
    return result;
  }

  @Post('checkpoints')
  @ApiOperation({ summary: 'Request an audit checkpoint' })
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AuditCheckpointAcceptedDto })
  async requestCheckpoint(
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string | undefined,
  ): Promise<AuditCheckpointAcceptedDto> {
    return this.tx.run(async (em) => {
      const message = await this.outbox.enqueue('audit.checkpoint', {}, em);
      await this.audit.record(
        {
          action: 'audit.checkpoint.request',
          outcome: 'success',
          actorId: user.id,
          actorRole: user.role,
          agencyId: user.agencyId ?? null,
          targetType: 'outbox',
          targetId: message.id,
          requestId: requestId ?? null,
        },
        em,
      );
      return { outboxId: message.id };
    });
  }
}
