import { Controller, Get, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { ATTACHMENT_MEDIA_TYPES, AttachmentMediaType } from '@amani/domain/attachments';
import { SeaEvidenceService } from '@amani/domain/sea';
import type { SeaActor } from '@amani/domain/sea';
import { SeaAuth } from '../common/actor.decorators';
import { AttachmentDownload, attachmentFile } from '../common/attachment-file';
import { IdParam } from '../common/id-param';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { ApiSeaUnlock, SeaUnlock } from './sea-unlock.decorator';

export class ComplaintAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) complaintId: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The complainant’s follow-up message it came with; null when it came with the report.' })
  messageId: string | null;
  @ApiProperty({ enum: ATTACHMENT_MEDIA_TYPES, description: 'Recognised from the content.' }) mediaType: AttachmentMediaType;
  @ApiProperty({ description: 'Size of the stored (cleaned) content in bytes.' }) sizeBytes: number;
  @ApiProperty({ format: 'date', description: 'The day it was received (no time is kept).' }) addedOn: string;
}

/** Evidence complainants attached; focal points only, like every complaint route. */
@ApiTags('sea (focal points)')
@ApiBearerAuth()
@Roles('psea_focal_point')
@Controller('sea/complaints/:id/attachments')
export class SeaEvidenceController {
  constructor(private readonly evidence: SeaEvidenceService) {}

  @Get()
  @ApiOperation({ summary: "List a complaint's attachments" })
  @ApiProblems(410)
  @ApiOkResponse({ type: [ComplaintAttachmentDto], description: 'The report’s evidence first, then each message’s in conversation order; type, size and day only (no file name is kept). 403 until a colleague grants you this complaint.' })
  list(@IdParam() id: string, @SeaAuth() actor: SeaActor): Promise<ComplaintAttachmentDto[]> {
    return this.evidence.list(actor, id);
  }

  @Get(':attachmentId')
  @ApiOperation({ summary: 'Download an attachment of a complaint' })
  @ApiProblems(410, 423)
  @ApiSeaUnlock()
  @AttachmentDownload()
  async download(
    @IdParam() id: string,
    @IdParam('attachmentId') attachmentId: string,
    @SeaUnlock() unlock: string | undefined,
    @SeaAuth() actor: SeaActor,
  ): Promise<StreamableFile> {
    const { view, chunks } = await this.evidence.open(actor, id, attachmentId, unlock);
    return attachmentFile('evidence', view, chunks);
  }
}
