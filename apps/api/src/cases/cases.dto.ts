import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import {
  ERASURE_REASONS,
  ErasureReason,
  AGE_BANDS,
  AgeBand,
  CASE_STAGES,
  CaseStage,
  CLOSURE_REASONS,
  ClosureReason,
  DISABILITY_STATUSES,
  DisabilityStatus,
  DISPLACEMENT_STATUSES,
  DisplacementStatus,
  GBV_TYPES,
  GbvType,
  NATIONALITY_STATUSES,
  NationalityStatus,
  REGION_CODE_PATTERN,
  SEXES,
  Sex,
  Vulnerability,
  VULNERABILITIES,
} from '@amani/domain/cases';
import { KeysetPageDto } from '../common/page.dto';
import { PageQueryDto } from '../common/page-query.dto';
import { IsCalendarDate, IsText, TEXT_LONG, TEXT_MEDIUM, TEXT_SHORT } from './case-validators';

const REGION_MESSAGE = 'regionCode must be an area code: upper-case letters, digits, _ or -';
const MAX_ALIASES = 10;

export class ContactDetailsDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 32 })
  @IsOptional()
  @IsText(32)
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 320 })
  @IsOptional()
  @IsText(320)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MEDIUM, description: 'How and when it is safe to make contact.' })
  @IsOptional()
  @IsText(TEXT_MEDIUM)
  safeContactInstructions?: string | null;
}

export class CaregiverDetailsDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_SHORT })
  @IsOptional()
  @IsText(TEXT_SHORT)
  name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_SHORT })
  @IsOptional()
  @IsText(TEXT_SHORT)
  relationship?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MEDIUM })
  @IsOptional()
  @IsText(TEXT_MEDIUM)
  contact?: string | null;
}

/** Coded fields: every one of them lands in a plain, CHECK-constrained column. */
class CaseCodedDto {
  @ApiProperty({ enum: SEXES })
  @IsIn(SEXES)
  sex: Sex;

  @ApiProperty({ enum: AGE_BANDS })
  @IsIn(AGE_BANDS)
  ageBand: AgeBand;

  @ApiProperty({ enum: NATIONALITY_STATUSES })
  @IsIn(NATIONALITY_STATUSES)
  nationalityStatus: NationalityStatus;

  @ApiProperty({ enum: DISPLACEMENT_STATUSES })
  @IsIn(DISPLACEMENT_STATUSES)
  displacementStatus: DisplacementStatus;

  @ApiProperty({ enum: DISABILITY_STATUSES })
  @IsIn(DISABILITY_STATUSES)
  disability: DisabilityStatus;

  @ApiProperty({ enum: VULNERABILITIES, isArray: true })
  @IsArray()
  @ArrayMaxSize(VULNERABILITIES.length)
  @IsIn(VULNERABILITIES, { each: true })
  vulnerabilities: Vulnerability[];

  @ApiProperty({ example: 'SO-BN', pattern: REGION_CODE_PATTERN.source, description: 'ISO 3166-2 or P-code of the area.' })
  @Matches(REGION_CODE_PATTERN, { message: REGION_MESSAGE })
  regionCode: string;
}

export class CreateCaseDto extends CaseCodedDto {
  @ApiProperty({ maxLength: TEXT_SHORT })
  @IsText(TEXT_SHORT)
  survivorName: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_ALIASES })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ALIASES)
  @IsText(TEXT_SHORT, { each: true })
  aliases?: string[] | null;

  @ApiPropertyOptional({ type: ContactDetailsDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  contactDetails?: ContactDetailsDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MEDIUM })
  @IsOptional()
  @IsText(TEXT_MEDIUM)
  address?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2009-04-17' })
  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ type: CaregiverDetailsDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CaregiverDetailsDto)
  caregiverDetails?: CaregiverDetailsDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_LONG })
  @IsOptional()
  @IsText(TEXT_LONG)
  narrative?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Supervisor only; a caseworker’s case is assigned to them.' })
  @IsOptional()
  @IsUUID()
  assignedCaseworkerId?: string | null;
}

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;

/** Absent fields stay as they are; null clears an optional field. */
export class UpdateCaseDto {
  @ApiProperty({ description: 'The version last read; a stale version gets 409.' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({ enum: SEXES })
  @ValidateIf(present('sex'))
  @IsIn(SEXES)
  sex?: Sex;

  @ApiPropertyOptional({ enum: AGE_BANDS })
  @ValidateIf(present('ageBand'))
  @IsIn(AGE_BANDS)
  ageBand?: AgeBand;

  @ApiPropertyOptional({ enum: NATIONALITY_STATUSES })
  @ValidateIf(present('nationalityStatus'))
  @IsIn(NATIONALITY_STATUSES)
  nationalityStatus?: NationalityStatus;

  @ApiPropertyOptional({ enum: DISPLACEMENT_STATUSES })
  @ValidateIf(present('displacementStatus'))
  @IsIn(DISPLACEMENT_STATUSES)
  displacementStatus?: DisplacementStatus;

  @ApiPropertyOptional({ enum: DISABILITY_STATUSES })
  @ValidateIf(present('disability'))
  @IsIn(DISABILITY_STATUSES)
  disability?: DisabilityStatus;

  @ApiPropertyOptional({ enum: VULNERABILITIES, isArray: true })
  @ValidateIf(present('vulnerabilities'))
  @IsArray()
  @ArrayMaxSize(VULNERABILITIES.length)
  @IsIn(VULNERABILITIES, { each: true })
  vulnerabilities?: Vulnerability[];

  @ApiPropertyOptional()
  @ValidateIf(present('regionCode'))
  @Matches(REGION_CODE_PATTERN, { message: REGION_MESSAGE })
  regionCode?: string;

  @ApiPropertyOptional({ maxLength: TEXT_SHORT })
  @ValidateIf(present('survivorName'))
  @IsText(TEXT_SHORT)
  survivorName?: string;

  @ApiPropertyOptional({ type: [String], nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ALIASES)
  @IsText(TEXT_SHORT, { each: true })
  aliases?: string[] | null;

  @ApiPropertyOptional({ type: ContactDetailsDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  contactDetails?: ContactDetailsDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MEDIUM })
  @IsOptional()
  @IsText(TEXT_MEDIUM)
  address?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ type: CaregiverDetailsDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CaregiverDetailsDto)
  caregiverDetails?: CaregiverDetailsDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_LONG })
  @IsOptional()
  @IsText(TEXT_LONG)
  narrative?: string | null;
}

export class ChangeStageDto {
  @ApiProperty({ enum: CASE_STAGES })
  @IsIn(CASE_STAGES)
  to: CaseStage;

  @ApiProperty()
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({ enum: CLOSURE_REASONS, description: 'Required when closing.' })
  @IsOptional()
  @IsIn(CLOSURE_REASONS)
  closureReason?: ClosureReason | null;
}

export class AssignCaseDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseworkerId: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  version: number;
}

export class LookupCaseDto {
  @ApiProperty({ example: 'KMR-48273' })
  @IsText(32)
  survivorCode: string;
}

export class PhoneLookupDto {
  @ApiProperty({ example: '+254 712 345 678' })
  @IsText(32)
  phone: string;
}

export class ShareCaseDto {
  @ApiProperty({ format: 'uuid', description: 'A caseworker of your agency.' })
  @IsUUID()
  userId: string;
}

export class CaseListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CASE_STAGES })
  @IsOptional()
  @IsIn(CASE_STAGES)
  stage?: CaseStage;

  @ApiPropertyOptional({ enum: SEXES })
  @IsOptional()
  @IsIn(SEXES)
  sex?: Sex;

  @ApiPropertyOptional({ enum: AGE_BANDS })
  @IsOptional()
  @IsIn(AGE_BANDS)
  ageBand?: AgeBand;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: REGION_MESSAGE })
  regionCode?: string;

  @ApiPropertyOptional({ enum: DISPLACEMENT_STATUSES })
  @IsOptional()
  @IsIn(DISPLACEMENT_STATUSES)
  displacementStatus?: DisplacementStatus;

  @ApiPropertyOptional({ enum: NATIONALITY_STATUSES })
  @IsOptional()
  @IsIn(NATIONALITY_STATUSES)
  nationalityStatus?: NationalityStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assignedCaseworkerId?: string;

  @ApiPropertyOptional({ enum: GBV_TYPES, description: 'Cases with at least one incident of this type.' })
  @IsOptional()
  @IsIn(GBV_TYPES)
  gbvType?: GbvType;

  @ApiPropertyOptional({
    description: 'The nextCursor of the previous page: the page after it (newest first), whatever was added since. Not combined with page.',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

// Responses.

export class CaseSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CASE_STAGES }) stage: CaseStage;
  @ApiProperty({ enum: CLOSURE_REASONS, nullable: true }) closureReason: ClosureReason | null;
  @ApiProperty({ enum: SEXES }) sex: Sex;
  @ApiProperty({ enum: AGE_BANDS }) ageBand: AgeBand;
  @ApiProperty({ enum: NATIONALITY_STATUSES }) nationalityStatus: NationalityStatus;
  @ApiProperty({ enum: DISPLACEMENT_STATUSES }) displacementStatus: DisplacementStatus;
  @ApiProperty({ enum: DISABILITY_STATUSES }) disability: DisabilityStatus;
  @ApiProperty({ enum: VULNERABILITIES, isArray: true }) vulnerabilities: Vulnerability[];
  @ApiProperty() regionCode: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assignedCaseworkerId: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ nullable: true, type: Date }) closedAt: Date | null;
  @ApiProperty() version: number;
}

export class CaseDetailDto extends CaseSummaryDto {
  @ApiProperty({ example: 'KMR-48273' }) survivorCode: string;
  @ApiProperty() survivorName: string;
  @ApiProperty({ type: [String] }) aliases: string[];
  @ApiProperty({ type: ContactDetailsDto, nullable: true }) contactDetails: ContactDetailsDto | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ nullable: true, type: String }) dateOfBirth: string | null;
  @ApiProperty({ type: CaregiverDetailsDto, nullable: true }) caregiverDetails: CaregiverDetailsDto | null;
  @ApiProperty({ nullable: true, type: String }) narrative: string | null;
  @ApiProperty({ format: 'uuid' }) createdById: string;
}

/** A case list page: keyset on (createdAt, id); the total is counted up to 1000, not over the whole scope. */
export class CasePageDto extends KeysetPageDto(CaseSummaryDto) {}

export class CaseSummaryListDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items: CaseSummaryDto[];
}

export class ShareDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) sharedById: string;
  @ApiProperty() createdAt: Date;
}

export class EraseCaseQueryDto {
  @ApiProperty({ enum: ERASURE_REASONS, description: 'Why the case is erased (coded, audited, kept on the de-identified row).' })
  @IsIn(ERASURE_REASONS)
  reason: ErasureReason;
}
