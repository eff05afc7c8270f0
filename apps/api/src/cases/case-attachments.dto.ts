import { ApiProperty } from '@nestjs/swagger';
import { ATTACHMENT_MEDIA_TYPES } from '@amani/domain/cases';

export class UploadAttachmentDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'A JPEG or PNG photo or a PDF document, recognised by content. Photos lose their EXIF/GPS/XMP metadata.' })
  file: unknown;
}

export class AttachmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: ATTACHMENT_MEDIA_TYPES }) mediaType: string;
  @ApiProperty({ description: 'Size of the stored (cleaned) content in bytes.' }) sizeBytes: number;
  @ApiProperty({ description: 'The name the file had on the uploader\'s device; encrypted at rest and never used as a download name.' }) fileName: string;
  @ApiProperty({ format: 'uuid' }) uploadedById: string;
  @ApiProperty() createdAt: Date;
}
