import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Equals, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { REGION_CODE_PATTERN } from '@amani/domain/cases';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import {
  CONTACT_MAX,
  MESSAGE_MAX,
  SEA_ASSISTANCE_STATUSES,
  SEA_CATEGORIES,
  SEA_DATE_BANDS,
  SEA_ENTITY_TYPES,
  SEA_LANGUAGES,
  SEA_MESSAGE_AUTHORS,
  SEA_OUTCOMES,
  SEA_STATUSES,
  SEA_VICTIM_AGE_BANDS,
  SEA_VICTIM_SEXES,
  SeaAssistanceStatus,
  SeaCategory,
  SeaDateBand,
  SeaEntityType,
  SeaLanguage,
  SeaMessageAuthor,
  SeaOutcome,
  SeaStatus,
  SeaVictimAgeBand,
  SeaVictimSex,
} from '@amani/domain/sea';
import { IsPlainText } from '../common/plain-text.validator';
import { PageQueryDto } from '../common/page-query.dto';
import { IsWrittenText } from './sea-validators';
import { PageDto } from '../common/page.dto';
import { EntityReferralViewDto, VictimDto } from './sea-investigation.dto';

export const SUMMARY_MAX = 2000;

export class ComplaintListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SEA_STATUSES })
  @IsOptional()
  @IsIn(SEA_STATUSES)
  status?: SeaStatus;
}

export class WrittenBodyDto {
  @ApiProperty({ maxLength: MESSAGE_MAX, description: 'Encrypted under the complaint key.' })
  @IsWrittenText(MESSAGE_MAX)
  body: string;
}

/** The coded fields as the focal point found them on assessment: each confirmed or corrected. */
export class ConfirmedCodesDto {
  @ApiProperty({ enum: SEA_CATEGORIES })
  @IsIn(SEA_CATEGORIES)
  category: SeaCategory;

  @ApiProperty({ enum: SEA_ENTITY_TYPES })
  @IsIn(SEA_ENTITY_TYPES)
  entityType: SeaEntityType;

  @ApiProperty({ enum: SEA_VICTIM_SEXES })
  @IsIn(SEA_VICTIM_SEXES)
  victimSex: SeaVictimSex;

  @ApiProperty({ enum: SEA_VICTIM_AGE_BANDS })
  @IsIn(SEA_VICTIM_AGE_BANDS)
  victimAgeBand: SeaVictimAgeBand;

  @ApiProperty({ enum: SEA_DATE_BANDS })
  @IsIn(SEA_DATE_BANDS)
  dateBand: SeaDateBand;

  @ApiProperty({ nullable: true, type: String, description: 'An area code; null when unknown.' })
  @ValidateIf((_o, v) => v !== null)
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be an area code' })
  regionCode: string | null;
}

export class StatusChangeDto {
  @ApiProperty({ enum: SEA_STATUSES, description: 'received → assessment → referred_for_investigation | closed; referred_for_investigation → closed.' })
  @IsIn(SEA_STATUSES)
  to: SeaStatus;

  @ApiPropertyOptional({ enum: SEA_OUTCOMES })
  @IsOptional()
  @IsIn(SEA_OUTCOMES)
  outcome?: SeaOutcome;

  @ApiPropertyOptional({
    type: ConfirmedCodesDto,
    description:
      'Required when assessing a received complaint: the coded fields as you confirm or correct them. Only complaints so assessed count in the SEA statistics. Accepted at any later change too (it re-confirms).',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConfirmedCodesDto)
  coded?: ConfirmedCodesDto;
}

export class OutcomeDto {
  @ApiProperty({ enum: SEA_OUTCOMES })
  @IsIn(SEA_OUTCOMES)
  outcome: SeaOutcome;
}

export class CreateAssistanceDto {
  @ApiProperty({ format: 'uuid', description: 'The GBV agency that should open an intake case.' })
  @IsUUID()
  agencyId: string;

  @ApiProperty({ enum: SERVICE_TYPES })
  @IsIn(SERVICE_TYPES)
  serviceType: ServiceType;

  @ApiProperty({ enum: [true], description: 'The victim agreed to this referral and to sharing exactly the fields below.' })
  @Equals(true, { message: 'victimConsent must be true: the victim must agree' })
  victimConsent: true;

  @ApiProperty({ maxLength: 200, description: 'Name or alias the victim agreed to share.' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsPlainText()
  survivorName: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: CONTACT_MAX })
  @IsOptional()
  @IsWrittenText(CONTACT_MAX)
  @IsPlainText()
  contact?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: SUMMARY_MAX, description: 'Needs, as agreed with the victim; never the complaint narrative.' })
  @IsOptional()
  @IsWrittenText(SUMMARY_MAX)
  summary?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'The victim of this complaint the request is for: their assistance status becomes referred.' })
  @ValidateIf((_o, v) => v !== undefined)
  @IsUUID()
  victimId?: string;
}

export class ComplaintSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SEA_CATEGORIES }) category: SeaCategory;
  @ApiProperty({ enum: SEA_ENTITY_TYPES }) entityType: SeaEntityType;
  @ApiProperty({ enum: SEA_VICTIM_SEXES }) victimSex: SeaVictimSex;
  @ApiProperty({ enum: SEA_VICTIM_AGE_BANDS }) victimAgeBand: SeaVictimAgeBand;
  @ApiProperty({ enum: SEA_DATE_BANDS }) dateBand: SeaDateBand;
  @ApiProperty({ nullable: true, type: String }) regionCode: string | null;
  @ApiProperty() complainantIsVictim: boolean;
  @ApiProperty() wantsAssistance: boolean;
  @ApiProperty({ enum: SEA_LANGUAGES }) language: SeaLanguage;
  @ApiProperty({ enum: SEA_STATUSES }) status: SeaStatus;
  @ApiProperty({ enum: SEA_OUTCOMES, nullable: true }) outcome: SeaOutcome | null;
  @ApiProperty({ format: 'date' }) receivedOn: string;
  @ApiProperty({ example: '2025-Q4' }) receivedQuarter: string;
  @ApiProperty({ format: 'date' }) statusChangedOn: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'When a focal point confirmed the coded fields; the statistics count only confirmed complaints.' })
  codedConfirmedOn: string | null;
  @ApiProperty({ description: 'Whether your key can open this complaint.' }) hasAccess: boolean;
}

export class ComplaintPageDto extends PageDto(ComplaintSummaryDto) {}

export class ComplaintMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() seq: number;
  @ApiProperty({ enum: SEA_MESSAGE_AUTHORS }) from: SeaMessageAuthor;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) authorId: string | null;
  @ApiProperty() body: string;
  @ApiProperty({ format: 'date' }) sentOn: string;
}

export class ComplaintNoteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty() body: string;
  @ApiProperty() createdAt: Date;
}

export class AssistanceRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ enum: SERVICE_TYPES }) serviceType: ServiceType;
  @ApiProperty({ enum: SEA_ASSISTANCE_STATUSES }) status: SeaAssistanceStatus;
  @ApiProperty({ format: 'date' }) requestedOn: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) acceptedOn: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The intake case opened at the agency.' }) caseId: string | null;
}

export class ComplaintDetailDto extends ComplaintSummaryDto {
  @ApiProperty() narrative: string;
  @ApiProperty({ nullable: true, type: String }) contact: string | null;
  @ApiProperty({ type: [ComplaintMessageDto] }) messages: ComplaintMessageDto[];
  @ApiProperty({ type: [ComplaintNoteDto] }) notes: ComplaintNoteDto[];
  @ApiProperty({ type: [AssistanceRequestDto] }) assistance: AssistanceRequestDto[];
  @ApiProperty({ type: EntityReferralViewDto, nullable: true, description: 'The referral to the entity concerned, once recorded.' })
  entityReferral: EntityReferralViewDto | null;
  @ApiProperty({ type: [VictimDto] }) victims: VictimDto[];
}

export class IncomingAssistanceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SERVICE_TYPES }) serviceType: ServiceType;
  @ApiProperty({ enum: SEA_VICTIM_SEXES }) victimSex: SeaVictimSex;
  @ApiProperty({ enum: SEA_VICTIM_AGE_BANDS }) victimAgeBand: SeaVictimAgeBand;
  @ApiProperty({ nullable: true, type: String }) regionCode: string | null;
  @ApiProperty({ format: 'date' }) requestedOn: string;
  @ApiProperty() survivorName: string;
  @ApiProperty({ nullable: true, type: String }) contact: string | null;
  @ApiProperty({ nullable: true, type: String }) summary: string | null;
}

export class SetupKeysDto {
  @ApiProperty({ format: 'password', description: 'Your current login password: it wraps the new private key.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ default: false, description: 'Replace an existing key: every complaint sealed to it becomes unreadable to you until a colleague grants it again.' })
  @IsOptional()
  @IsBoolean()
  replace?: boolean;
}

export class RecoverKeysDto {
  @ApiProperty({ example: 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567' })
  @IsString()
  @MaxLength(64)
  recoveryKey: string;

  @ApiProperty({ format: 'password', description: 'Your current (new) login password.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class GrantDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this complaint; all you hold when absent.' })
  @IsOptional()
  @IsUUID()
  complaintId?: string;
}

export class KeyIssueDto {
  @ApiProperty({ description: 'Shown once: write it down and keep it offline. It alone restores access after a password reset.' })
  recoveryKey: string;

  @ApiProperty({ description: 'Send as the X-Sea-Unlock header for the rest of this session; never stored by the server.' })
  unlockToken: string;
}

export class KeyStatusDto {
  @ApiProperty() hasKeys: boolean;
  @ApiProperty({ description: 'The X-Sea-Unlock value sent opens your key for this session.' }) unlocked: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'X25519 public key, base64.' }) publicKey: string | null;
}

export class FocalPointDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty() hasKeys: boolean;
  @ApiProperty({ description: 'Their current key is endorsed by the team: new complaints are sealed to it.' }) endorsed: boolean;
  @ApiProperty() grantedComplaints: number;
}

export class EndorsementResultDto {
  @ApiProperty({ enum: [true] }) endorsed: true;
}

export class GrantResultDto {
  @ApiProperty({ description: 'Complaint keys re-sealed to the colleague.' }) granted: number;
}
