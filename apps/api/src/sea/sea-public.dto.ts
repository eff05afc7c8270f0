import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';
import { REGION_CODE_PATTERN } from '@amani/domain/cases';
import {
  CONTACT_MAX,
  MESSAGE_MAX,
  NARRATIVE_MAX,
  SEA_ASSISTED_CHANNELS,
  SEA_CATEGORIES,
  SEA_DATE_BANDS,
  SEA_ENTITY_TYPES,
  SEA_LANGUAGES,
  SEA_MESSAGE_AUTHORS,
  SEA_OUTCOMES,
  SEA_STATUSES,
  SEA_VICTIM_AGE_BANDS,
  SEA_VICTIM_SEXES,
  SeaAssistedChannel,
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
import { IsReceipt, IsWrittenText } from './sea-validators';

export class QuestionnaireQueryDto {
  @ApiPropertyOptional({ enum: SEA_LANGUAGES, default: 'en' })
  @IsOptional()
  @IsIn(SEA_LANGUAGES)
  lang?: SeaLanguage;
}

/** The shape of `Questionnaire` in @amani/domain/sea, for the document. */
export class QuestionOptionDto {
  @ApiProperty() value: string;
  @ApiProperty() label: string;
}

export class QuestionDto {
  @ApiProperty({
    enum: ['category', 'entityType', 'complainantIsVictim', 'victimSex', 'victimAgeBand', 'dateBand', 'regionCode', 'narrative', 'contact', 'wantsAssistance'],
  })
  name: string;

  @ApiProperty({ enum: ['choice', 'boolean', 'text'] }) type: string;
  @ApiProperty() required: boolean;
  @ApiProperty() label: string;
  @ApiPropertyOptional() help?: string;
  @ApiPropertyOptional({ type: [QuestionOptionDto] }) options?: QuestionOptionDto[];
  @ApiPropertyOptional({ type: 'integer' }) maxLength?: number;
}

export class QuestionnaireDto {
  @ApiProperty({ enum: SEA_LANGUAGES }) lang: SeaLanguage;
  @ApiProperty({ enum: ['ltr', 'rtl'] }) dir: 'ltr' | 'rtl';
  @ApiProperty() title: string;
  @ApiProperty() intro: string;
  @ApiProperty({ type: [QuestionDto] }) questions: QuestionDto[];
}

export class SubmitComplaintDto {
  @ApiProperty({ enum: SEA_CATEGORIES })
  @IsIn(SEA_CATEGORIES)
  category: SeaCategory;

  @ApiProperty({ enum: SEA_ENTITY_TYPES, description: 'Entity of the alleged perpetrator.' })
  @IsIn(SEA_ENTITY_TYPES)
  entityType: SeaEntityType;

  @ApiProperty({ enum: SEA_VICTIM_SEXES })
  @IsIn(SEA_VICTIM_SEXES)
  victimSex: SeaVictimSex;

  @ApiProperty({ enum: SEA_VICTIM_AGE_BANDS })
  @IsIn(SEA_VICTIM_AGE_BANDS)
  victimAgeBand: SeaVictimAgeBand;

  @ApiProperty()
  @IsBoolean()
  complainantIsVictim: boolean;

  @ApiProperty({ enum: SEA_DATE_BANDS })
  @IsIn(SEA_DATE_BANDS)
  dateBand: SeaDateBand;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'An area code from the questionnaire; null when unknown.' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must be one of the questionnaire region codes' })
  regionCode?: string | null;

  @ApiProperty({ maxLength: NARRATIVE_MAX, description: 'Encrypted so that only focal points can read it.' })
  @IsWrittenText(NARRATIVE_MAX)
  narrative: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: CONTACT_MAX, description: 'Optional; leave out to stay anonymous.' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== '')
  @IsWrittenText(CONTACT_MAX)
  @IsPlainText()
  contact?: string | null;

  @ApiProperty()
  @IsBoolean()
  wantsAssistance: boolean;

  @ApiPropertyOptional({ enum: SEA_LANGUAGES, default: 'en', description: 'Language the complainant wrote in.' })
  @IsOptional()
  @IsIn(SEA_LANGUAGES)
  language?: SeaLanguage;
}

export class ReceiptIssuedDto {
  @ApiProperty({ example: '0123-4567-8901-2345-6789', description: 'Shown once and stored nowhere: the only way to follow the complaint.' })
  receipt: string;
}

export class ReceiptDto {
  @ApiProperty({ example: '0123-4567-8901-2345-6789' })
  @IsReceipt()
  receipt: string;
}

export class ComplainantMessageDto extends ReceiptDto {
  @ApiProperty({ maxLength: MESSAGE_MAX })
  @IsWrittenText(MESSAGE_MAX)
  body: string;
}

export class ComplainantMessageViewDto {
  @ApiProperty({ enum: SEA_MESSAGE_AUTHORS }) from: SeaMessageAuthor;
  @ApiProperty() body: string;
  @ApiProperty({ format: 'date' }) sentOn: string;
}

export class ComplainantViewDto {
  @ApiProperty({ enum: SEA_STATUSES }) status: SeaStatus;
  @ApiProperty({ enum: SEA_OUTCOMES, nullable: true }) outcome: SeaOutcome | null;
  @ApiProperty({ format: 'date' }) receivedOn: string;
  @ApiProperty({ enum: SEA_LANGUAGES }) language: SeaLanguage;
  @ApiProperty({ type: [ComplainantMessageViewDto] }) messages: ComplainantMessageViewDto[];
  @ApiProperty({ description: 'Whether contact details are on file (POST /sea/complaints/erase-contact removes them).' }) contactOnFile: boolean;
  @ApiProperty({ description: 'Whether you asked for no further messages (focal points can then no longer write).' }) messagesDeclined: boolean;
}

export class WithdrawnDto {
  @ApiProperty({ enum: ['withdrawn'], description: 'The content is destroyed; the receipt now answers 410 complaint_withdrawn.' }) status: 'withdrawn';
}

/** A complaint a focal point enters for someone (hotline, paper form, community focal point, in person). */
export class AssistedComplaintDto extends SubmitComplaintDto {
  @ApiProperty({ enum: SEA_ASSISTED_CHANNELS, description: 'How the complaint was received.' })
  @IsIn(SEA_ASSISTED_CHANNELS)
  channel: SeaAssistedChannel;
}

/** The intake command from the public form (shared by the JSON API and the server-rendered report page). */
export function toSubmitCommand(body: SubmitComplaintDto) {
  return {
    category: body.category,
    entityType: body.entityType,
    victimSex: body.victimSex,
    victimAgeBand: body.victimAgeBand,
    complainantIsVictim: body.complainantIsVictim,
    dateBand: body.dateBand,
    regionCode: body.regionCode || null,
    narrative: body.narrative,
    contact: body.contact?.trim() ? body.contact : null,
    wantsAssistance: body.wantsAssistance,
    language: body.language ?? 'en',
  };
}
