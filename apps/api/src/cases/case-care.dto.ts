import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, Min, ValidateNested } from 'class-validator';
import {
  APPROVAL_DECISIONS,
  APPROVAL_KINDS,
  APPROVAL_STATUSES,
  ApprovalDecision,
  ApprovalKind,
  ApprovalStatus,
  CLOSURE_REASONS,
  ClosureReason,
  NEED_AREAS,
  NEED_LEVELS,
  NeedArea,
  NeedLevel,
  REOPEN_REASONS,
  ReopenReason,
} from '@amani/domain/cases';
import { IsCalendarDate, IsText, TEXT_LONG, TEXT_MEDIUM } from './case-validators';

export class AssessmentNeedInputDto {
  @ApiProperty({ enum: NEED_AREAS })
  @IsIn(NEED_AREAS)
  area: NeedArea;

  @ApiProperty({ enum: NEED_LEVELS })
  @IsIn(NEED_LEVELS)
  level: NeedLevel;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MEDIUM, description: 'Encrypted at rest. Null clears it.' })
  @IsOptional()
  @IsText(TEXT_MEDIUM)
  notes?: string | null;
}

export class RecordAssessmentDto {
  @ApiProperty({ type: [AssessmentNeedInputDto], description: 'Each area given replaces its earlier assessment.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NEED_AREAS.length)
  @ValidateNested({ each: true })
  @Type(() => AssessmentNeedInputDto)
  needs: AssessmentNeedInputDto[];
}

export class AssessmentNeedDto {
  @ApiProperty({ enum: NEED_AREAS }) area: NeedArea;
  @ApiProperty({ enum: NEED_LEVELS }) level: NeedLevel;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ format: 'uuid' }) assessedById: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

export class AssessmentDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ type: [AssessmentNeedDto] }) needs: AssessmentNeedDto[];
}

export class SaveSafetyPlanDto {
  @ApiPropertyOptional({ description: 'Required once the case has a safety plan.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_LONG, description: 'Encrypted at rest. Null clears it.' })
  @IsOptional()
  @IsText(TEXT_LONG)
  risks?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_LONG, description: 'Encrypted at rest. Null clears it.' })
  @IsOptional()
  @IsText(TEXT_LONG)
  safeContacts?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_LONG, description: 'Encrypted at rest. Null clears it.' })
  @IsOptional()
  @IsText(TEXT_LONG)
  safePlaces?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_LONG, description: 'Encrypted at rest. Null clears it.' })
  @IsOptional()
  @IsText(TEXT_LONG)
  agreedActions?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, description: 'When the plan was in place (plain, counted in indicators).' })
  @IsOptional()
  @IsCalendarDate()
  inPlaceOn?: string | null;
}

export class SafetyPlanDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ type: String, nullable: true }) risks: string | null;
  @ApiProperty({ type: String, nullable: true }) safeContacts: string | null;
  @ApiProperty({ type: String, nullable: true }) safePlaces: string | null;
  @ApiProperty({ type: String, nullable: true }) agreedActions: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) inPlaceOn: string | null;
  @ApiProperty({ format: 'uuid' }) updatedById: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
  @ApiProperty() version: number;
}

export class RequestApprovalDto {
  @ApiProperty({ enum: APPROVAL_KINDS })
  @IsIn(APPROVAL_KINDS)
  kind: ApprovalKind;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MEDIUM, description: 'Encrypted at rest.' })
  @IsOptional()
  @IsText(TEXT_MEDIUM)
  comment?: string | null;

  @ApiPropertyOptional({ enum: CLOSURE_REASONS, nullable: true, description: 'Required for a closure request, refused otherwise.' })
  @IsOptional()
  @IsIn(CLOSURE_REASONS)
  closureReason?: ClosureReason | null;
}

export class DecideApprovalDto {
  @ApiProperty()
  @IsInt()
  @Min(1)
  version: number;

  @ApiProperty({ enum: APPROVAL_DECISIONS })
  @IsIn(APPROVAL_DECISIONS)
  decision: ApprovalDecision;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MEDIUM, description: 'Encrypted at rest; required to return a request.' })
  @IsOptional()
  @IsText(TEXT_MEDIUM)
  comment?: string | null;
}

export class ApprovalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: APPROVAL_KINDS }) kind: ApprovalKind;
  @ApiProperty({ enum: APPROVAL_STATUSES }) status: ApprovalStatus;
  @ApiProperty({ enum: CLOSURE_REASONS, nullable: true }) closureReason: ClosureReason | null;
  @ApiProperty({ type: String, nullable: true }) requestComment: string | null;
  @ApiProperty({ format: 'uuid' }) requestedById: string;
  @ApiProperty({ type: String, format: 'date-time' }) requestedAt: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedById: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) decisionComment: string | null;
  @ApiProperty() version: number;
}

export class PendingApprovalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: APPROVAL_KINDS }) kind: ApprovalKind;
  @ApiProperty({ enum: CLOSURE_REASONS, nullable: true }) closureReason: ClosureReason | null;
  @ApiProperty({ format: 'uuid' }) requestedById: string;
  @ApiProperty({ type: String, format: 'date-time' }) requestedAt: Date;
  @ApiProperty() version: number;
}

export class ReopenCaseDto {
  @ApiProperty()
  @IsInt()
  @Min(1)
  version: number;

  @ApiProperty({ enum: REOPEN_REASONS })
  @IsIn(REOPEN_REASONS)
  reason: ReopenReason;
}
