import { Controller, Delete, Get, HttpCode, Post, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { CaseAttachmentsService } from '@amani/domain/cases';
import { ValidationProblem } from '@amani/http';
import { IdParam } from '../common/id-param';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { AttachmentDto, UploadAttachmentDto } from './case-attachments.dto';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';
import { AttachmentDownload, attachmentFile, UploadedMemoryFile } from '../common/attachment-file';

@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id/attachments')
export class CaseAttachmentsController {
  constructor(private readonly attachments: CaseAttachmentsService) {}

  @Post()
  @ApiOperation({ summary: 'Attach a file (JPEG, PNG or PDF) to a case' })
  @ApiProblems(410, 422)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentDto })
  @ApiCreatedResponse({ type: AttachmentDto, description: 'Refused with 413 above ATTACHMENT_MAX_BYTES and 415 for other types, before anything is stored.' })
  create(@IdParam() id: string, @UploadedFile() file: UploadedMemoryFile | undefined, @CaseAuth() actor: CaseActor): Promise<AttachmentDto> {
    if (!file || !Buffer.isBuffer(file.buffer) || file.buffer.length === 0) {
      throw new ValidationProblem([{ field: 'file', message: 'must be a non-empty file sent as multipart/form-data' }]);
    }
    return this.attachments.add(actor, id, { content: file.buffer, originalName: file.originalname ?? '' });
  }

  @Get()
  @ApiOperation({ summary: "List a case's attachments" })
  @ApiProblems(410)
  @ApiOkResponse({ type: [AttachmentDto], description: 'Newest first.' })
  list(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<AttachmentDto[]> {
    return this.attachments.list(actor, id);
  }

  @Get(':attachmentId')
  @ApiOperation({ summary: 'Download an attachment' })
  @ApiProblems(410)
  @AttachmentDownload()
  async download(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string, @CaseAuth() actor: CaseActor): Promise<StreamableFile> {
    const { view, chunks } = await this.attachments.download(actor, id, attachmentId);
    // The original name stays inside the case record.
    return attachmentFile('attachment', view, chunks);
  }

  @Delete(':attachmentId')
  @ApiOperation({ summary: 'Delete an attachment' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its content; by the person who attached it or a supervisor.' })
  remove(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string, @CaseAuth() actor: CaseActor): Promise<void> {
    return this.attachments.remove(actor, id, attachmentId);
  }
}
