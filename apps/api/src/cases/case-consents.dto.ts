import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import { CONSENT_GIVERS, CONSENT_PURPOSES, ConsentGiver, ConsentPurpose, SHAREABLE_FIELDS, ShareableField } from '@amani/domain/cases';

export class CreateConsentDto {
  @ApiProperty({ enum: CONSENT_PURPOSES })
  @IsIn(CONSENT_PURPOSES)
  purpose: ConsentPurpose;

  @ApiProperty({ enum: CONSENT_GIVERS, description: 'The survivor, or the caregiver of a child survivor.' })
  @IsIn(CONSENT_GIVERS)
  givenBy: ConsentGiver;

  @ApiPropertyOptional({ enum: SERVICE_TYPES, description: 'Referral consent: the service type.' })
  @IsOptional()
  @IsIn(SERVICE_TYPES)
  serviceType?: ServiceType | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Referral consent: a named receiving agency.' })
  @IsOptional()
  @IsUUID()
  recipientAgencyId?: string | null;

  @ApiPropertyOptional({ enum: SHAREABLE_FIELDS, isArray: true, description: 'Referral consent: what may be shared.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SHAREABLE_FIELDS.length)
  @IsIn(SHAREABLE_FIELDS, { each: true })
  shareableFields?: ShareableField[] | null;
}

export class ConsentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: CONSENT_PURPOSES }) purpose: ConsentPurpose;
  @ApiProperty({ enum: CONSENT_GIVERS }) givenBy: ConsentGiver;
  @ApiProperty({ enum: SERVICE_TYPES, nullable: true }) serviceType: ServiceType | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recipientAgencyId: string | null;
  @ApiProperty({ enum: SHAREABLE_FIELDS, isArray: true }) shareableFields: ShareableField[];
  @ApiProperty({ format: 'uuid' }) takenById: string;
  @ApiProperty() takenAt: Date;
  @ApiProperty({ nullable: true, type: Date }) withdrawnAt: Date | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) withdrawnById: string | null;
  @ApiProperty() active: boolean;
}
