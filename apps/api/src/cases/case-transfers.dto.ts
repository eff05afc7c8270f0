import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Min } from 'class-validator';
import { SHAREABLE_FIELDS, TRANSFER_STATUSES } from '@amani/domain/cases';
import type { ShareableField, TransferStatus } from '@amani/domain/cases';
import { IsText, TEXT_MEDIUM } from './case-validators';

export class ProposeTransferDto {
  @ApiProperty({ format: 'uuid', description: "The survivor's active transfer consent naming the receiving agency and the fields that may move." })
  @IsUUID()
  consentId: string;

  @ApiProperty({ maxLength: TEXT_MEDIUM, description: 'Why the case should move; encrypted at rest, shown to the receiving supervisor.' })
  @IsText(TEXT_MEDIUM)
  reason: string;
}

const TRANSFER_DECISIONS = ['accept', 'decline'] as const;

export class DecideTransferDto {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  version: number;

  @ApiProperty({ enum: TRANSFER_DECISIONS })
  @IsIn(TRANSFER_DECISIONS)
  decision: 'accept' | 'decline';

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A caseworker of your agency to assign when accepting; unassigned otherwise.' })
  @IsOptional()
  @IsUUID()
  caseworkerId?: string | null;
}

export class TransferDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) fromAgencyId: string;
  @ApiProperty({ format: 'uuid' }) toAgencyId: string;
  @ApiProperty({ format: 'uuid' }) consentId: string;
  @ApiProperty({ enum: TRANSFER_STATUSES }) status: TransferStatus;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: SHAREABLE_FIELDS, isArray: true, description: 'Identifying fields that move; the others are erased on acceptance.' }) movingFields: ShareableField[];
  @ApiProperty({ format: 'uuid' }) proposedById: string;
  @ApiProperty({ type: String, format: 'date-time' }) proposedAt: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedById: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: Date | null;
  @ApiProperty() version: number;
}
