import { Controller, Delete, Get, Header, HttpCode, Post, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { Roles } from '@amani/auth';
import { CaseAttachmentsService } from '@amani/domain/cases';
import { ValidationProblem } from '@amani/http';
import { IdParam } from '../common/id-param';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { AttachmentDto, UploadAttachmentDto } from './case-attachments.dto';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

/** What multer hands over from memory storage (nothing is written to disk). */
interface UploadedMemoryFile {
  buffer: Buffer;
  originalname: string;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };

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
  @Header('Cache-Control', 'no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiProduces(...Object.keys(EXTENSIONS))
  @ApiOkResponse({ description: 'The content, streamed, as an attachment with a neutral file name.', schema: { type: 'string', format: 'binary' } })
  async download(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string, @CaseAuth() actor: CaseActor): Promise<StreamableFile> {
    const { view, chunks } = await this.attachments.download(actor, id, attachmentId);
    // A neutral name: the original may say who or where; it stays inside the case record.
    const name = `attachment-${view.id.slice(0, 8)}.${EXTENSIONS[view.mediaType]}`;
    return new StreamableFile(Readable.from(chunks), { type: view.mediaType, length: view.sizeBytes, disposition: `attachment; filename="${name}"` });
  }

  @Delete(':attachmentId')
  @ApiOperation({ summary: 'Delete an attachment' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its content; by the person who attached it or a supervisor.' })
  remove(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string, @CaseAuth() actor: CaseActor): Promise<void> {
    return this.attachments.remove(actor, id, attachmentId);
  }
}
