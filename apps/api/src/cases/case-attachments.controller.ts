import { Controller, Delete, Get, Header, HttpCode, Post, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { CaseAttachmentsService, toCaseActor } from '@amani/domain/cases';
import { ValidationProblem } from '@amani/http';
import { IdParam } from '../common/id-param';
import { AttachmentDto, UploadAttachmentDto } from './case-attachments.dto';

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
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentDto })
  @ApiCreatedResponse({ type: AttachmentDto, description: 'Refused with 413 above ATTACHMENT_MAX_BYTES and 415 for other types, before anything is stored.' })
  create(@IdParam() id: string, @UploadedFile() file: UploadedMemoryFile | undefined, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<AttachmentDto> {
    if (!file || !Buffer.isBuffer(file.buffer) || file.buffer.length === 0) {
      throw new ValidationProblem([{ field: 'file', message: 'must be a non-empty file sent as multipart/form-data' }]);
    }
    return this.attachments.add(toCaseActor(user, requestId), id, { content: file.buffer, originalName: file.originalname ?? '' });
  }

  @Get()
  @ApiOkResponse({ type: [AttachmentDto], description: 'Newest first.' })
  list(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<AttachmentDto[]> {
    return this.attachments.list(toCaseActor(user, requestId), id);
  }

  @Get(':attachmentId')
  @Header('Cache-Control', 'no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiProduces(...Object.keys(EXTENSIONS))
  @ApiOkResponse({ description: 'The content, streamed, as an attachment with a neutral file name.', schema: { type: 'string', format: 'binary' } })
  async download(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<StreamableFile> {
    const { view, chunks } = await this.attachments.download(toCaseActor(user, requestId), id, attachmentId);
    // A neutral name: the original may say who or where; it stays inside the case record.
    const name = `attachment-${view.id.slice(0, 8)}.${EXTENSIONS[view.mediaType]}`;
    return new StreamableFile(Readable.from(chunks), { type: view.mediaType, length: view.sizeBytes, disposition: `attachment; filename="${name}"` });
  }

  @Delete(':attachmentId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its content; by the person who attached it or a supervisor.' })
  remove(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<void> {
    return this.attachments.remove(toCaseActor(user, requestId), id, attachmentId);
  }
}
