import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Min, ValidateIf } from 'class-validator';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import { ACTION_PLAN_STATUSES, ActionPlanStatus, GOAL_STATUSES, GoalStatus, NEED_AREAS, NeedArea } from '@amani/domain/cases';
import { IsCalendarDate, IsText, TEXT_MEDIUM } from './case-validators';

export class CreateActionPlanItemDto {
  @ApiProperty({ maxLength: TEXT_MEDIUM, description: 'Encrypted at rest.' })
  @IsText(TEXT_MEDIUM)
  description: string;

  @ApiPropertyOptional({ enum: SERVICE_TYPES, nullable: true })
  @IsOptional()
  @IsIn(SERVICE_TYPES)
  serviceType?: ServiceType | null;

  @ApiPropertyOptional({ enum: NEED_AREAS, nullable: true, description: 'The assessed need this goal answers.' })
  @IsOptional()
  @IsIn(NEED_AREAS)
  needArea?: NeedArea | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2025-04-30' })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string | null;
}

export class UpdateActionPlanItemDto {
  @ApiProperty()
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({ maxLength: TEXT_MEDIUM })
  @ValidateIf((o: UpdateActionPlanItemDto) => o.description !== undefined)
  @IsText(TEXT_MEDIUM)
  description?: string;

  @ApiPropertyOptional({ enum: SERVICE_TYPES, nullable: true })
  @IsOptional()
  @IsIn(SERVICE_TYPES)
  serviceType?: ServiceType | null;

  @ApiPropertyOptional({ enum: ACTION_PLAN_STATUSES })
  @ValidateIf((o: UpdateActionPlanItemDto) => o.status !== undefined)
  @IsIn(ACTION_PLAN_STATUSES)
  status?: ActionPlanStatus;

  @ApiPropertyOptional({ enum: NEED_AREAS, nullable: true })
  @IsOptional()
  @IsIn(NEED_AREAS)
  needArea?: NeedArea | null;

  @ApiPropertyOptional({ enum: GOAL_STATUSES, nullable: true, description: 'Whether the goal was met, once reviewed; null clears it.' })
  @IsOptional()
  @IsIn(GOAL_STATUSES)
  goalStatus?: GoalStatus | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string | null;
}

export class ActionPlanItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: SERVICE_TYPES, nullable: true }) serviceType: ServiceType | null;
  @ApiProperty({ enum: ACTION_PLAN_STATUSES }) status: ActionPlanStatus;
  @ApiProperty({ enum: NEED_AREAS, nullable: true }) needArea: NeedArea | null;
  @ApiProperty({ enum: GOAL_STATUSES, nullable: true }) goalStatus: GoalStatus | null;
  @ApiProperty({ nullable: true, type: String }) dueDate: string | null;
  @ApiProperty({ format: 'uuid' }) createdById: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty() version: number;
}
