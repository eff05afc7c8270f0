import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches, ValidateNested } from 'class-validator';
import {
  AGE_BANDS,
  AgeBand,
  GBV_CONTEXTS,
  GBV_TYPES,
  GbvContext,
  GbvType,
  LOCATION_TYPES,
  LocationType,
  PERPETRATOR_AGE_GROUPS,
  PERPETRATOR_COUNTS,
  PERPETRATOR_OCCUPATIONS,
  PERPETRATOR_RELATIONSHIPS,
  PERPETRATOR_SEXES,
  PerpetratorAgeGroup,
  PerpetratorCount,
  PerpetratorOccupation,
  PerpetratorRelationship,
  PerpetratorSex,
  PRIOR_INCIDENTS,
  PriorIncidents,
  REGION_CODE_PATTERN,
  REPORT_DELAY_BUCKETS,
  ReportDelayBucket,
  TIMES_OF_DAY,
  TimeOfDay,
} from '@amani/domain/cases';
import { IsCalendarDate, IsText, TEXT_LONG, TEXT_MEDIUM } from './case-validators';

/** The GBVIMS classification tool's questions, in order; the server derives the type. */
export class ClassificationAnswersDto {
  @ApiProperty({ description: 'Was there penetration, however slight?' })
  @IsBoolean()
  penetration: boolean;

  @ApiProperty({ description: 'Was there unwanted sexual contact without penetration?' })
  @IsBoolean()
  sexualContactWithoutPenetration: boolean;

  @ApiProperty({ description: 'Was there physical assault?' })
  @IsBoolean()
  physicalAssault: boolean;

  @ApiProperty({ description: 'Was this a forced marriage?' })
  @IsBoolean()
  forcedMarriage: boolean;

  @ApiProperty({ description: 'Were resources, opportunities or services denied?' })
  @IsBoolean()
  denialOfResources: boolean;

  @ApiProperty({ description: 'Was there psychological or emotional abuse?' })
  @IsBoolean()
  psychologicalAbuse: boolean;
}

export class ContextAnswersDto {
  @ApiProperty({ description: 'Were money, goods, benefits or services exchanged in relation to the incident?' })
  @IsBoolean()
  moneyGoodsBenefitsExchanged: boolean;

  @ApiProperty({ description: 'Was the survivor abducted or held captive?' })
  @IsBoolean()
  abductedOrHeld: boolean;

  @ApiProperty({ description: 'Was the incident a harmful traditional practice?' })
  @IsBoolean()
  harmfulTraditionalPractice: boolean;
}

export class PerpetratorDto {
  @ApiProperty({ enum: PERPETRATOR_COUNTS })
  @IsIn(PERPETRATOR_COUNTS)
  count: PerpetratorCount;

  @ApiProperty({ enum: PERPETRATOR_SEXES })
  @IsIn(PERPETRATOR_SEXES)
  sex: PerpetratorSex;

  @ApiProperty({ enum: PERPETRATOR_AGE_GROUPS })
  @IsIn(PERPETRATOR_AGE_GROUPS)
  ageGroup: PerpetratorAgeGroup;

  @ApiProperty({ enum: PERPETRATOR_RELATIONSHIPS })
  @IsIn(PERPETRATOR_RELATIONSHIPS)
  relationship: PerpetratorRelationship;

  @ApiProperty({ enum: PERPETRATOR_OCCUPATIONS })
  @IsIn(PERPETRATOR_OCCUPATIONS)
  occupation: PerpetratorOccupation;
}

export class CreateIncidentDto {
  @ApiProperty({ example: '2025-03-14', description: 'Exact date: encrypted; only its month is kept in plain.' })
  @IsCalendarDate()
  incidentDate: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2025-03-20', description: 'Date of the report; defaults to today (UTC).' })
  @IsOptional()
  @IsCalendarDate()
  reportDate?: string | null;

  @ApiProperty({ type: ClassificationAnswersDto })
  @ValidateNested()
  @Type(() => ClassificationAnswersDto)
  answers: ClassificationAnswersDto;

  @ApiProperty({ type: ContextAnswersDto })
  @ValidateNested()
  @Type(() => ContextAnswersDto)
  contextAnswers: ContextAnswersDto;

  @ApiProperty({ enum: TIMES_OF_DAY })
  @IsIn(TIMES_OF_DAY)
  timeOfDay: TimeOfDay;

  @ApiProperty({ enum: LOCATION_TYPES })
  @IsIn(LOCATION_TYPES)
  locationType: LocationType;

  @ApiPropertyOptional({ type: String, nullable: true, pattern: REGION_CODE_PATTERN.source, description: 'Area code where it happened.' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be an area code: upper-case letters, digits, _ or -' })
  regionCode?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MEDIUM, description: 'Encrypted.' })
  @IsOptional()
  @IsText(TEXT_MEDIUM)
  exactLocation?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_LONG, description: 'Encrypted.' })
  @IsOptional()
  @IsText(TEXT_LONG)
  narrative?: string | null;

  @ApiPropertyOptional({ enum: AGE_BANDS, description: 'Survivor’s age at the incident; defaults to the case’s age band.' })
  @IsOptional()
  @IsIn(AGE_BANDS)
  survivorAgeBand?: AgeBand | null;

  @ApiProperty({ type: PerpetratorDto })
  @ValidateNested()
  @Type(() => PerpetratorDto)
  perpetrator: PerpetratorDto;

  @ApiProperty({ enum: PRIOR_INCIDENTS })
  @IsIn(PRIOR_INCIDENTS)
  priorIncidents: PriorIncidents;
}

export class IncidentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: GBV_TYPES }) gbvType: GbvType;
  @ApiProperty({ enum: GBV_CONTEXTS, isArray: true }) contexts: GbvContext[];
  @ApiProperty({ type: ClassificationAnswersDto }) answers: ClassificationAnswersDto;
  @ApiProperty({ type: ContextAnswersDto }) contextAnswers: ContextAnswersDto;
  @ApiProperty() incidentDate: string;
  @ApiProperty() reportDate: string;
  @ApiProperty({ example: '2025-03' }) incidentMonth: string;
  @ApiProperty({ example: '2025-03' }) reportMonth: string;
  @ApiProperty({ enum: REPORT_DELAY_BUCKETS }) reportDelayBucket: ReportDelayBucket;
  @ApiProperty({ enum: TIMES_OF_DAY }) timeOfDay: TimeOfDay;
  @ApiProperty({ enum: LOCATION_TYPES }) locationType: LocationType;
  @ApiProperty({ nullable: true, type: String }) regionCode: string | null;
  @ApiProperty({ nullable: true, type: String }) exactLocation: string | null;
  @ApiProperty({ nullable: true, type: String }) narrative: string | null;
  @ApiProperty({ enum: AGE_BANDS }) survivorAgeBand: AgeBand;
  @ApiProperty({ type: PerpetratorDto }) perpetrator: PerpetratorDto;
  @ApiProperty({ enum: PRIOR_INCIDENTS }) priorIncidents: PriorIncidents;
  @ApiProperty({ format: 'uuid' }) recordedById: string;
  @ApiProperty() createdAt: Date;
}
