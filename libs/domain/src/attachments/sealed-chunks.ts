import type { AttachmentMediaType } from './attachment-content';

/** Plaintext bytes per encrypted chunk: small enough to stream, large enough to keep rows few. */
export const ATTACHMENT_CHUNK_BYTES = 256 * 1024;

const FILE_NAME_MAX = 255;

const EXTENSIONS: Record<AttachmentMediaType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };

/** How many chunks content of this size is stored in (at least one). */
export function chunkCountOf(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / ATTACHMENT_CHUNK_BYTES));
}

/** The content's pieces in order, each at most ATTACHMENT_CHUNK_BYTES (views, not copies). */
export function splitIntoChunks(content: Buffer): Buffer[] {
  return Array.from({ length: chunkCountOf(content.length) }, (_, seq) => content.subarray(seq * ATTACHMENT_CHUNK_BYTES, (seq + 1) * ATTACHMENT_CHUNK_BYTES));
}

/**
 * The row id a chunk's ciphertext is bound to (associated data): attachment, position and the
 * chunk count, so chunks cannot be swapped, reordered or dropped without opening failing.
 */
export function chunkRowId(attachmentId: string, seq: number, count: number): string {
  return `${attachmentId}/${seq}/${count}`;
}

/**
 * Seals content chunk by chunk and hands each ciphertext to `insert`, in order; returns the
 * chunk count. Nothing is written in clear: `seal` runs before `insert` sees the piece.
 */
export async function writeSealedChunks(
  attachmentId: string,
  content: Buffer,
  seal: (rowId: string, piece: Buffer) => Buffer,
  insert: (seq: number, data: Buffer) => Promise<void>,
): Promise<number> {
  const pieces = splitIntoChunks(content);
  for (const [seq, piece] of pieces.entries()) await insert(seq, seal(chunkRowId(attachmentId, seq, pieces.length), piece));
  return pieces.length;
}

/** Reads and opens an attachment's chunks one at a time, so a large file never sits whole in memory. */
export async function* readSealedChunks(
  attachmentId: string,
  count: number,
  fetch: (seq: number) => Promise<Buffer | null>,
  open: (rowId: string, data: Buffer | null) => Buffer,
): AsyncGenerator<Buffer> {
  for (let seq = 0; seq < count; seq++) yield open(chunkRowId(attachmentId, seq, count), await fetch(seq));
}

/** Keeps a client's file name's base name only, without control characters, at a bounded length. */
export function neutraliseFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, FILE_NAME_MAX);
}

/**
 * The name a download is offered under: neutral (the original may say who or where), from a
 * prefix, the start of the attachment id and the extension of the recognised type.
 */
export function neutralDownloadName(prefix: string, attachmentId: string, mediaType: AttachmentMediaType): string {
  return `${prefix}-${attachmentId.slice(0, 8)}.${EXTENSIONS[mediaType]}`;
}
