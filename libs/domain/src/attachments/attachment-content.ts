import sharp from 'sharp';
import { DomainException } from '@amani/http';

/** Attachment types accepted, recognised by their content (never by name or declared type). */
export const ATTACHMENT_MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

// Decoded pixels must never linger in a process-wide cache after the request ends.
sharp.cache(false);

/** Larger images are refused rather than decoded (a "decompression bomb" guard). */
const MAX_INPUT_PIXELS = 50_000_000;

export class UnsupportedAttachmentProblem extends DomainException {
  constructor() {
    super(415, 'unsupported_attachment_type', 'Only JPEG and PNG photos and PDF documents can be attached.', [
      { field: 'file', message: 'must be a JPEG or PNG image or a PDF document' },
    ]);
  }
}

export class UnreadableAttachmentProblem extends DomainException {
  constructor() {
    super(422, 'unreadable_attachment', 'The image could not be read; it may be damaged.', [{ field: 'file', message: 'could not be decoded' }]);
  }
}

/** What the bytes are, from their signature; the file name and declared type are ignored. */
export function sniffMediaType(content: Uint8Array): AttachmentMediaType | null {
  const b = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 5 && b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

/**
 * Recognises the content and removes what identifies where and on what it was made: photos
 * are decoded and re-encoded, which drops EXIF (GPS position, device, time), XMP, IPTC and
 * ICC data; the orientation is applied to the pixels first so the photo still shows upright.
 * PDFs are kept as they are (see README: document metadata stays, encrypted).
 */
export async function cleanAttachment(content: Buffer): Promise<{ mediaType: AttachmentMediaType; content: Buffer }> {
  const mediaType = sniffMediaType(content);
  if (!mediaType) throw new UnsupportedAttachmentProblem();
  if (mediaType === 'application/pdf') return { mediaType, content };
  try {
    const image = sharp(content, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).rotate();
    const cleaned = mediaType === 'image/jpeg' ? await image.jpeg({ quality: 90 }).toBuffer() : await image.png().toBuffer();
    return { mediaType, content: cleaned };
  } catch {
    throw new UnreadableAttachmentProblem();
  }
}

export class AttachmentTooLargeProblem extends DomainException {
  constructor(maxBytes: number) {
    super(413, 'attachment_too_large', `Files larger than ${Math.floor(maxBytes / (1024 * 1024))} MB cannot be attached.`, [
      { field: 'file', message: `must be at most ${maxBytes} bytes` },
    ]);
  }
}

/** cleanAttachment, after refusing content over `maxBytes` before any decoding. */
export function cleanAttachmentWithin(content: Buffer, maxBytes: number): Promise<{ mediaType: AttachmentMediaType; content: Buffer }> {
  if (content.length > maxBytes) return Promise.reject(new AttachmentTooLargeProblem(maxBytes));
  return cleanAttachment(content);
}
