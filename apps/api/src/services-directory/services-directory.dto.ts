import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import { REGION_CODE_PATTERN } from '@amani/domain/cases';
import { LANGUAGE_CODE_PATTERN, MAX_SERVICE_LANGUAGES, MAX_SERVICE_REGIONS } from '@amani/domain/services-directory';
import { IsText } from '../cases/case-validators';
import { IsPlainText } from '../common/plain-text.validator';
import { PageQueryDto } from '../common/page-query.dto';
import { PageDto } from '../common/page.dto';

const REGION_MESSAGE = '$property must hold area codes: upper-case letters, digits, _ or -';
const LANGUAGE_MESSAGE = '$property must hold ISO 639 language codes (2 or 3 lower-case letters)';
const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;
const MAX_CAPACITY = 100_000;

/** Describes an organisation's service: never a survivor's data. */
export class CreateServiceDto {
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: "Administrators only: the agency. A supervisor's entries belong to their agency." })
  @IsOptional()
  @IsUUID()
  agencyId?: string | null;

  @ApiProperty({ enum: SERVICE_TYPES })
  @IsIn(SERVICE_TYPES)
  serviceType: ServiceType;

  @ApiProperty({ maxLength: 200 })
  @IsText(200)
  @IsPlainText()
  name: string;

  @ApiProperty({ type: [String], example: ['SO-BN'], description: 'Area codes served.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SERVICE_REGIONS)
  @Matches(REGION_CODE_PATTERN, { each: true, message: REGION_MESSAGE })
  regionCodes: string[];

  @ApiProperty({ type: [String], example: ['so', 'en'], description: 'ISO 639 language codes.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SERVICE_LANGUAGES)
  @Matches(LANGUAGE_CODE_PATTERN, { each: true, message: LANGUAGE_MESSAGE })
  languages: string[];

  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true, example: 'Mon–Fri 08:00–16:00' })
  @IsOptional()
  @IsText(200)
  @IsPlainText()
  openingHours?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true, description: "The service's referral desk (phone, e-mail): never a survivor's contact." })
  @IsOptional()
  @IsText(200)
  @IsPlainText()
  contactChannel?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_CAPACITY, nullable: true, description: 'New referrals per week.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CAPACITY)
  capacity?: number | null;

  @ApiPropertyOptional({ default: true })
  @ValidateIf(present('acceptingReferrals'))
  @IsBoolean()
  acceptingReferrals?: boolean;
}

/** Absent fields stay as they are; null clears openingHours, contactChannel or capacity. */
export class UpdateServiceDto {
  @ApiProperty({ minimum: 1, description: 'The version you read; a stale one gets 409.' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({ enum: SERVICE_TYPES })
  @ValidateIf(present('serviceType'))
  @IsIn(SERVICE_TYPES)
  serviceType?: ServiceType;

  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf(present('name'))
  @IsText(200)
  @IsPlainText()
  name?: string;

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf(present('regionCodes'))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SERVICE_REGIONS)
  @Matches(REGION_CODE_PATTERN, { each: true, message: REGION_MESSAGE })
  regionCodes?: string[];

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf(present('languages'))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SERVICE_LANGUAGES)
  @Matches(LANGUAGE_CODE_PATTERN, { each: true, message: LANGUAGE_MESSAGE })
  languages?: string[];

  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true })
  @IsOptional()
  @IsText(200)
  @IsPlainText()
  openingHours?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 200, nullable: true })
  @IsOptional()
  @IsText(200)
  @IsPlainText()
  contactChannel?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_CAPACITY, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CAPACITY)
  capacity?: number | null;

  @ApiPropertyOptional()
  @ValidateIf(present('acceptingReferrals'))
  @IsBoolean()
  acceptingReferrals?: boolean;
}

export class ServiceListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Administrators: one agency. Ignored for a supervisor (always their own).' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;
}

export class ServiceSearchQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SERVICE_TYPES })
  @IsOptional()
  @IsIn(SERVICE_TYPES)
  type?: ServiceType;

  @ApiPropertyOptional({ description: 'An area code the service covers.' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: REGION_MESSAGE })
  region?: string;

  @ApiPropertyOptional({ description: 'An ISO 639 language code the service works in.' })
  @IsOptional()
  @Matches(LANGUAGE_CODE_PATTERN, { message: LANGUAGE_MESSAGE })
  language?: string;

  @ApiPropertyOptional({ description: 'Only services taking referrals now.', default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  acceptingOnly?: boolean;
}

export class ServiceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() agencyName: string;
  @ApiProperty({ enum: SERVICE_TYPES }) serviceType: ServiceType;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) regionCodes: string[];
  @ApiProperty({ type: [String] }) languages: string[];
  @ApiProperty({ nullable: true, type: String }) openingHours: string | null;
  @ApiProperty({ nullable: true, type: String }) contactChannel: string | null;
  @ApiProperty({ nullable: true, type: Number }) capacity: number | null;
  @ApiProperty() acceptingReferrals: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty() version: number;
}

export class ServicePageDto extends PageDto(ServiceDto) {}
