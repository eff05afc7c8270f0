import { applyDecorators, Header, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { ATTACHMENT_MEDIA_TYPES, AttachmentMediaType, neutralDownloadName } from '@amani/domain/attachments';

/** What multer hands over from memory storage (nothing is written to disk). */
export interface UploadedMemoryFile {
  buffer: Buffer;
  originalname: string;
}

/**
 * An attachment's decrypted content streamed as a download under a neutral name (the original
 * may say who or where). `chunks` opens the key only while it is read.
 */
export function attachmentFile(prefix: string, view: { id: string; mediaType: AttachmentMediaType; sizeBytes: number }, chunks: AsyncIterable<Buffer>): StreamableFile {
  const name = neutralDownloadName(prefix, view.id, view.mediaType);
  return new StreamableFile(Readable.from(chunks), { type: view.mediaType, length: view.sizeBytes, disposition: `attachment; filename="${name}"` });
}

/** A download route: never cached, never sniffed, documented as binary content. */
export const AttachmentDownload = () =>
  applyDecorators(
    Header('Cache-Control', 'no-store'),
    Header('X-Content-Type-Options', 'nosniff'),
    ApiProduces(...ATTACHMENT_MEDIA_TYPES),
    ApiOkResponse({ description: 'The content, streamed, as an attachment with a neutral file name.', schema: { type: 'string', format: 'binary' } }),
  );
