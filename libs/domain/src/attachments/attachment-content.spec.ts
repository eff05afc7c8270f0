import sharp from 'sharp';
import { cleanAttachment, sniffMediaType, UnreadableAttachmentProblem, UnsupportedAttachmentProblem } from './attachment-content';

const CANARY = 'CANARY-EXIF-7f3a9c';

async function jpegWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 4, channels: 3, background: '#336699' } })
    .jpeg()
    .withExif({ IFD0: { ImageDescription: CANARY, Make: 'CanaryPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '12/1 30/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

describe('attachment content', () => {
  it('recognises JPEG, PNG and PDF by their bytes, whatever they are called', async () => {
    expect(sniffMediaType(await jpegWithExif())).toBe('image/jpeg');
    expect(sniffMediaType(await sharp({ create: { width: 1, height: 1, channels: 4, background: '#000' } }).png().toBuffer())).toBe('image/png');
    expect(sniffMediaType(Buffer.from('%PDF-1.7\n...'))).toBe('application/pdf');
    expect(sniffMediaType(Buffer.from('MZ\x90\x00 an executable'))).toBeNull();
    expect(sniffMediaType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffMediaType(Buffer.alloc(0))).toBeNull();
  });

  it('strips EXIF, GPS and device data from photos and applies the orientation', async () => {
    const original = await jpegWithExif();
    expect(original.includes(CANARY)).toBe(true);
    expect((await sharp(original).metadata()).exif).toBeDefined();
    expect((await sharp(original).metadata()).orientation).toBe(6);

    const { mediaType, content } = await cleanAttachment(original);
    expect(mediaType).toBe('image/jpeg');
    expect(content.includes(CANARY)).toBe(false);
    expect(content.includes('CanaryPhone')).toBe(false);
    const meta = await sharp(content).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    // Orientation 6 (rotate 90°) is applied to the pixels: 8x4 becomes 4x8.
    expect([meta.width, meta.height]).toEqual([4, 8]);
  });

  it('refuses unknown types and damaged images', async () => {
    await expect(cleanAttachment(Buffer.from('GIF89a....'))).rejects.toBeInstanceOf(UnsupportedAttachmentProblem);
    const truncated = (await jpegWithExif()).subarray(0, 40);
    await expect(cleanAttachment(truncated)).rejects.toBeInstanceOf(UnreadableAttachmentProblem);
  });

  it('keeps PDFs byte for byte', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n');
    expect((await cleanAttachment(pdf)).content.equals(pdf)).toBe(true);
  });
});
