import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import {
  SEA_ENTITY_TYPES,
  SEA_INTERIM_MEASURES,
  SEA_INVESTIGATION_TEXT_MAX,
  SEA_VICTIM_AGE_BANDS,
  SEA_VICTIM_ASSISTANCE_STATUSES,
  SEA_VICTIM_SEXES,
  SeaEntityType,
  SeaInterimMeasure,
  SeaVictimAgeBand,
  SeaVictimAssistanceStatus,
  SeaVictimSex,
} from '@amani/domain/sea';
import { IsCalendarDate } from '../common/calendar-date.validator';
import { IsPlainText } from '../common/plain-text.validator';
import { IsWrittenText } from './sea-validators';

export const ENTITY_NAME_MAX = 200;
export const PSEA_CONTACT_MAX = 300;
export const INVESTIGATION_TEXT_MAX = SEA_INVESTIGATION_TEXT_MAX;

/** Absent leaves a field as it is; only fields that may be erased accept null. */
const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;

export class EntityListQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Include retired entries (still named by the referrals made to them).' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeInactive?: boolean;
}

export class CreateSeaEntityDto {
  @ApiProperty({ maxLength: ENTITY_NAME_MAX, example: 'Mission contingent, sector East' })
  @IsWrittenText(ENTITY_NAME_MAX)
  @IsPlainText()
  name: string;

  @ApiProperty({ enum: SEA_ENTITY_TYPES })
  @IsIn(SEA_ENTITY_TYPES)
  entityType: SeaEntityType;

  @ApiProperty({ maxLength: PSEA_CONTACT_MAX, description: 'How the entity’s PSEA focal point is reached (office, e-mail or phone): organisational, never about a complainant.' })
  @IsWrittenText(PSEA_CONTACT_MAX)
  @IsPlainText()
  pseaContact: string;
}

export class UpdateSeaEntityDto {
  @ApiPropertyOptional({ maxLength: ENTITY_NAME_MAX })
  @ValidateIf(present('name'))
  @IsWrittenText(ENTITY_NAME_MAX)
  @IsPlainText()
  name?: string;

  @ApiPropertyOptional({ enum: SEA_ENTITY_TYPES })
  @ValidateIf(present('entityType'))
  @IsIn(SEA_ENTITY_TYPES)
  entityType?: SeaEntityType;

  @ApiPropertyOptional({ maxLength: PSEA_CONTACT_MAX })
  @ValidateIf(present('pseaContact'))
  @IsWrittenText(PSEA_CONTACT_MAX)
  @IsPlainText()
  pseaContact?: string;

  @ApiPropertyOptional({ description: 'False retires the entry: it leaves the choice for new referrals.' })
  @ValidateIf(present('active'))
  @IsBoolean()
  active?: boolean;
}

export class SeaEntityDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SEA_ENTITY_TYPES }) entityType: SeaEntityType;
  @ApiProperty() pseaContact: string;
  @ApiProperty() active: boolean;
}

export class SeaEntityListDto {
  @ApiProperty({ type: [SeaEntityDto] }) items: SeaEntityDto[];
}

export class EntityReferralDto {
  @ApiProperty({ format: 'uuid', description: 'An active entry of the directory of entities.' })
  @IsUUID()
  entityId: string;

  @ApiProperty({ type: String, format: 'date', description: 'The day the allegation was referred: not before receipt, not in the future.' })
  @IsCalendarDate()
  referredOn: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, description: 'The day the entity acknowledged it; absent or null while it has not.' })
  @IsOptional()
  @IsCalendarDate()
  acknowledgedOn?: string | null;

  @ApiPropertyOptional({ enum: SEA_INTERIM_MEASURES, isArray: true, description: 'Interim measures the entity reports; absent means none.' })
  @ValidateIf(present('interimMeasures'))
  @IsArray()
  @ArrayMaxSize(SEA_INTERIM_MEASURES.length)
  @IsIn(SEA_INTERIM_MEASURES, { each: true })
  interimMeasures?: SeaInterimMeasure[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: INVESTIGATION_TEXT_MAX,
    description: 'About the interim measures, sealed under the complaint key (needs X-Sea-Unlock). Absent keeps the stored note; null erases it.',
  })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsWrittenText(INVESTIGATION_TEXT_MAX)
  interimNote?: string | null;
}

export class EntityReferralViewDto {
  @ApiProperty({ format: 'uuid' }) entityId: string;
  @ApiProperty() entityName: string;
  @ApiProperty({ format: 'date' }) referredOn: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) acknowledgedOn: string | null;
  @ApiProperty({ enum: SEA_INTERIM_MEASURES, isArray: true }) interimMeasures: SeaInterimMeasure[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Present only when the complaint key was opened (X-Sea-Unlock); null when none was written.' })
  interimNote?: string | null;
}

export class CreateVictimDto {
  @ApiProperty({ enum: SEA_VICTIM_SEXES })
  @IsIn(SEA_VICTIM_SEXES)
  sex: SeaVictimSex;

  @ApiProperty({ enum: SEA_VICTIM_AGE_BANDS })
  @IsIn(SEA_VICTIM_AGE_BANDS)
  ageBand: SeaVictimAgeBand;

  @ApiPropertyOptional({ enum: SEA_VICTIM_ASSISTANCE_STATUSES, default: 'not_assessed' })
  @ValidateIf(present('assistanceStatus'))
  @IsIn(SEA_VICTIM_ASSISTANCE_STATUSES)
  assistanceStatus?: SeaVictimAssistanceStatus;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: INVESTIGATION_TEXT_MAX, description: 'Who the victim is, how to reach them: sealed under the complaint key (needs X-Sea-Unlock).' })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsWrittenText(INVESTIGATION_TEXT_MAX)
  description?: string | null;
}

export class UpdateVictimDto {
  @ApiPropertyOptional({ enum: SEA_VICTIM_SEXES })
  @ValidateIf(present('sex'))
  @IsIn(SEA_VICTIM_SEXES)
  sex?: SeaVictimSex;

  @ApiPropertyOptional({ enum: SEA_VICTIM_AGE_BANDS })
  @ValidateIf(present('ageBand'))
  @IsIn(SEA_VICTIM_AGE_BANDS)
  ageBand?: SeaVictimAgeBand;

  @ApiPropertyOptional({ enum: SEA_VICTIM_ASSISTANCE_STATUSES })
  @ValidateIf(present('assistanceStatus'))
  @IsIn(SEA_VICTIM_ASSISTANCE_STATUSES)
  assistanceStatus?: SeaVictimAssistanceStatus;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: INVESTIGATION_TEXT_MAX, description: 'Absent keeps it; null erases it; text is sealed (needs X-Sea-Unlock).' })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsWrittenText(INVESTIGATION_TEXT_MAX)
  description?: string | null;
}

export class VictimDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Victim 1, 2, … of the complaint.' }) seq: number;
  @ApiProperty({ enum: SEA_VICTIM_SEXES }) sex: SeaVictimSex;
  @ApiProperty({ enum: SEA_VICTIM_AGE_BANDS }) ageBand: SeaVictimAgeBand;
  @ApiProperty({ enum: SEA_VICTIM_ASSISTANCE_STATUSES }) assistanceStatus: SeaVictimAssistanceStatus;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'The day first referred to assistance, while referred or receiving it.' })
  assistanceReferredOn: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Present only when the complaint key was opened; null when none was written.' })
  description?: string | null;
}
