import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import {
  AGE_BANDS,
  DISABILITY_STATUSES,
  DISPLACEMENT_STATUSES,
  GBV_TYPES,
  NATIONALITY_STATUSES,
  SEXES,
  SHAREABLE_FIELDS,
  ShareableField,
  VULNERABILITIES,
} from '@amani/domain/cases';
import {
  DECLINE_REASONS,
  DeclineReason,
  NOTE_MAX_LENGTH,
  NOTIFICATION_KINDS,
  NOTIFICATION_TARGETS,
  NotificationKind,
  NotificationTarget,
  OVERRIDE_REASON_MAX_LENGTH,
  PACKET_DESTROY_REASONS,
  PacketDestroyReason,
  REFERRAL_STATES,
  ReferralState,
  SERVICE_OUTCOMES,
  ServiceOutcome,
} from '@amani/domain/referrals';
import { CaregiverDetailsDto, ContactDetailsDto } from '../cases/cases.dto';
import { IsText } from '../cases/case-validators';
import { PageQueryDto } from '../common/page-query.dto';
import { PageDto } from '../common/page.dto';

export class CreateReferralDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  recipientAgencyId: string;

  @ApiProperty({ enum: SERVICE_TYPES })
  @IsIn(SERVICE_TYPES)
  serviceType: ServiceType;

  @ApiProperty({ format: 'date-time', description: 'Follow-up deadline, between one hour and one year ahead.' })
  @IsISO8601({ strict: true })
  followUpDueAt: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: "A directory entry of the receiving agency; else any of its open entries of the type." })
  @IsOptional()
  @IsUUID()
  serviceId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The referral consent to share under; else the active one that covers the referral.' })
  @IsOptional()
  @IsUUID()
  consentId?: string | null;

  @ApiPropertyOptional({
    type: String,
    maxLength: OVERRIDE_REASON_MAX_LENGTH,
    nullable: true,
    description: 'Supervisors only, when no consent covers the referral: the written reason (encrypted; audited by code). The packet then holds no case field.',
  })
  @IsOptional()
  @IsText(OVERRIDE_REASON_MAX_LENGTH)
  overrideReason?: string | null;
}

export class DeclineReferralDto {
  @ApiProperty({ enum: DECLINE_REASONS })
  @IsIn(DECLINE_REASONS)
  reason: DeclineReason;

  @ApiPropertyOptional({ type: String, maxLength: NOTE_MAX_LENGTH, nullable: true, description: 'A short note to the referrer (encrypted).' })
  @IsOptional()
  @IsText(NOTE_MAX_LENGTH)
  note?: string | null;
}

export class CompleteReferralDto {
  @ApiProperty({ enum: SERVICE_OUTCOMES, description: "GBVIMS outcome; it updates the case's service record." })
  @IsIn(SERVICE_OUTCOMES)
  outcome: ServiceOutcome;

  @ApiPropertyOptional({ type: String, maxLength: NOTE_MAX_LENGTH, nullable: true, description: 'A short note to the referrer (encrypted).' })
  @IsOptional()
  @IsText(NOTE_MAX_LENGTH)
  note?: string | null;
}

export class CreateReferralNoteDto {
  @ApiProperty({ maxLength: NOTE_MAX_LENGTH, description: 'Encrypted at rest.' })
  @IsText(NOTE_MAX_LENGTH)
  body: string;
}

export class ReferralListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REFERRAL_STATES })
  @IsOptional()
  @IsIn(REFERRAL_STATES)
  state?: ReferralState;
}

export class ReferralDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Referring side only.' }) caseId: string | null;
  @ApiProperty({ format: 'uuid' }) referringAgencyId: string;
  @ApiProperty({ format: 'uuid' }) recipientAgencyId: string;
  @ApiProperty({ enum: SERVICE_TYPES }) serviceType: ServiceType;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) serviceId: string | null;
  @ApiProperty({ enum: REFERRAL_STATES }) state: ReferralState;
  @ApiProperty({ enum: DECLINE_REASONS, nullable: true }) declineReason: DeclineReason | null;
  @ApiProperty({ enum: SERVICE_OUTCOMES, nullable: true }) outcome: ServiceOutcome | null;
  @ApiProperty() followUpDueAt: Date;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ nullable: true, type: Date }) overdueAt: Date | null;
  @ApiProperty() consentOverride: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Referring side only.' }) consentId: string | null;
  @ApiProperty({ enum: SHAREABLE_FIELDS, isArray: true, description: 'Names of the fields in the packet.' }) packetFields: ShareableField[];
  @ApiProperty() packetAvailable: boolean;
  @ApiProperty({ enum: PACKET_DESTROY_REASONS, nullable: true }) packetDestroyedReason: PacketDestroyReason | null;
  @ApiProperty({ format: 'uuid' }) referredById: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) acceptedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) declinedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) completedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) revokedAt: Date | null;
  @ApiProperty() updatedAt: Date;
}

export class ReferralNoteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ format: 'uuid' }) authorAgencyId: string;
  @ApiProperty() body: string;
  @ApiProperty() createdAt: Date;
}

export class ReferralDetailDto extends ReferralDto {
  @ApiProperty({ nullable: true, type: String, description: 'Referring side only, for an override.' }) overrideReason: string | null;
  @ApiProperty({ type: [ReferralNoteDto] }) notes: ReferralNoteDto[];
}

/** The case fields a packet may hold; each is present only when the survivor consented to share it. */
export class ReferralPacketFieldsDto {
  @ApiPropertyOptional() survivorName?: string;
  @ApiPropertyOptional({ type: [String] }) aliases?: string[];
  @ApiPropertyOptional({ type: ContactDetailsDto, nullable: true }) contactDetails?: ContactDetailsDto | null;
  @ApiPropertyOptional({ type: String, nullable: true }) address?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) dateOfBirth?: string | null;
  @ApiPropertyOptional({ type: CaregiverDetailsDto, nullable: true }) caregiverDetails?: CaregiverDetailsDto | null;
  @ApiPropertyOptional({ type: String, nullable: true }) narrative?: string | null;
  @ApiPropertyOptional({ enum: SEXES }) sex?: string;
  @ApiPropertyOptional({ enum: AGE_BANDS }) ageBand?: string;
  @ApiPropertyOptional({ enum: NATIONALITY_STATUSES }) nationalityStatus?: string;
  @ApiPropertyOptional({ enum: DISPLACEMENT_STATUSES }) displacementStatus?: string;
  @ApiPropertyOptional({ enum: DISABILITY_STATUSES }) disability?: string;
  @ApiPropertyOptional({ enum: VULNERABILITIES, isArray: true }) vulnerabilities?: string[];
  @ApiPropertyOptional() regionCode?: string;
  @ApiPropertyOptional({ enum: GBV_TYPES, isArray: true }) incidentTypes?: string[];
  @ApiPropertyOptional({ type: [String] }) incidentNarratives?: string[];
}

export class ReferralPacketDto {
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty({ enum: SERVICE_TYPES }) serviceType: ServiceType;
  @ApiProperty({
    type: ReferralPacketFieldsDto,
    description: 'Exactly the fields the survivor consented to share (named as in shareableFields); an unconsented field is absent.',
  })
  fields: ReferralPacketFieldsDto;
}

export class ReferralPageDto extends PageDto(ReferralDto) {}

export class ServiceRecordDto {
  @ApiProperty({ enum: SERVICE_TYPES }) serviceType: ServiceType;
  @ApiProperty({ enum: SERVICE_OUTCOMES }) outcome: ServiceOutcome;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) referralId: string | null;
  @ApiProperty({ enum: REFERRAL_STATES, nullable: true }) referralState: ReferralState | null;
  @ApiProperty() updatedAt: Date;
}

export class ServiceRecordListDto {
  @ApiProperty({ type: [ServiceRecordDto] }) items: ServiceRecordDto[];
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty({ enum: NOTIFICATION_TARGETS }) targetType: NotificationTarget;
  @ApiProperty({ format: 'uuid', description: 'The record it is about (for a digest, an opaque id of that day’s digest).' }) targetId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) referralId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'A digest’s number of unread notifications (the SEA digest: complaints needing attention; the SEA retention warning: complaints to be shredded).' }) itemCount: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    nullable: true,
    description:
      'Numbers only, no record named: a digest’s counts by what they count (the SEA digest: `new`, `triageOverdue`, `assistanceOverdue`, `entityReferralOverdue`; the SEA retention warning: complaints to be shredded by status), or a case retention warning’s `daysLeft` before the case is erased.',
  })
  counts: Record<string, number> | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) readAt: Date | null;
}

export class NotificationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only unread notifications.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class MarkedReadDto {
  @ApiProperty({ description: 'How many notifications were marked read.' }) updated: number;
}

export class NotificationPageDto extends PageDto(NotificationDto) {}
