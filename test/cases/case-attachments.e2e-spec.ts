import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { createAgency, LoggedIn, sessionAs, bearer } from '../support/users';
import { as, auditEvents, caseBody, PROBLEM } from './case-fixtures';

const MAX_BYTES = 900 * 1024;

/** supertest collects a binary body into a Buffer with this parser. */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const parts: Buffer[] = [];
  stream.on('data', (c: Buffer) => parts.push(c));
  stream.on('end', () => done(null, Buffer.concat(parts)));
};

/**
 * Encrypted case attachments (issue 15 item 4): content recognised by its bytes, photos
 * cleaned of EXIF/GPS before encryption, chunks sealed under the case key, streamed back as a
 * neutrally named attachment that no cache keeps, refused early and whole when too big or of
 * the wrong type, and visible only to the case's team.
 */
describe('case attachments', () => {
  let t: TestApp;
  let db: DataSource;
  let cw: LoggedIn;
  let colleague: LoggedIn;
  let sup: LoggedIn;
  let otherSup: LoggedIn;
  let caseId: string;
  const sentinels: string[] = [];
  const sentinel = (what: string) => {
    const v = `CANARY${what}${randomBytes(6).toString('hex').toUpperCase()}`;
    sentinels.push(v);
    rememberSecret(v);
    return v;
  };
  const exifCanary = sentinel('EXIF');
  const makeCanary = sentinel('MAKE');
  const pdfCanary = sentinel('PDFTEXT');
  const nameCanary = sentinel('FILENAME');

  let photo: Buffer;
  const pdf = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nBT (${pdfCanary}) Tj ET\n%%EOF\n`);
  // Several chunks (256 KiB each): order and completeness are checked on the way back.
  const bigPdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(600 * 1024), Buffer.from('\n%%EOF\n')]);

  const upload = (user: LoggedIn, id: string, content: Buffer, name: string, contentType = 'application/octet-stream') =>
    t.http().post(`/cases/${id}/attachments`).set(bearer(user.accessToken)).attach('file', content, { filename: name, contentType });
  const download = (user: LoggedIn, id: string, attachmentId: string) =>
    t.http().get(`/cases/${id}/attachments/${attachmentId}`).set(bearer(user.accessToken)).buffer(true).parse(binary);
  const attachmentRows = async (id: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM case_attachments WHERE case_id = $1`, [id]))[0].n as number;

  beforeAll(async () => {
    t = await createTestApp({ ATTACHMENT_MAX_BYTES: String(MAX_BYTES) });
    db = t.app.get(DataSource);
    const agency = (await createAgency(t)).id;
    const otherAgency = (await createAgency(t)).id;
    [cw, colleague, sup, otherSup] = await Promise.all([
      sessionAs(t, { role: 'caseworker', agencyId: agency }),
      sessionAs(t, { role: 'caseworker', agencyId: agency }),
      sessionAs(t, { role: 'supervisor', agencyId: agency }),
      sessionAs(t, { role: 'supervisor', agencyId: otherAgency }),
    ]);
    const created = await as(t, cw.accessToken).post('/cases', caseBody());
    expect(created.status).toBe(201);
    caseId = created.body.id;
    photo = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#884422' } })
      .jpeg()
      .withExif({ IFD0: { ImageDescription: exifCanary, Make: makeCanary }, IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '1/1 17/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '36/1 49/1 0/1' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(photo.includes(exifCanary)).toBe(true);
  });

  afterAll(async () => {
    await t?.close();
  });

  let photoId: string;
  let pdfId: string;

  it('stores a photo without its EXIF/GPS data and gives it back upright as a neutral attachment', async () => {
    const res = await upload(cw, caseId, photo, `${nameCanary}.png`, 'image/png');
    expect(res.status).toBe(201);
    // The declared type and the name said PNG; the bytes say JPEG.
    expect(res.body).toMatchObject({ caseId, mediaType: 'image/jpeg', fileName: `${nameCanary}.png`, uploadedById: cw.user.id });
    photoId = res.body.id;

    const got = await download(cw, caseId, photoId);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['content-disposition']).toBe(`attachment; filename="attachment-${photoId.slice(0, 8)}.jpg"`);
    expect(got.headers['cache-control']).toBe('no-store');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    const body = got.body as Buffer;
    expect(Number(got.headers['content-length'])).toBe(body.length);
    expect(res.body.sizeBytes).toBe(body.length);
    expect(body.includes(exifCanary)).toBe(false);
    expect(body.includes(makeCanary)).toBe(false);
    const meta = await sharp(body).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 32, height: 64 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it('stores PDFs as they are, in as many encrypted chunks as they need, for the whole case team', async () => {
    const small = await upload(cw, caseId, pdf, 'statement.jpg', 'image/jpeg');
    expect(small.status).toBe(201);
    expect(small.body.mediaType).toBe('application/pdf');
    pdfId = small.body.id;
    const big = await upload(cw, caseId, bigPdf, 'scan.pdf');
    expect(big.status).toBe(201);
    const [{ n: chunks }] = await db.query(`SELECT count(*)::int AS n FROM case_attachment_chunks WHERE attachment_id = $1`, [big.body.id]);
    expect(chunks).toBe(3);

    for (const reader of [cw, sup]) {
      const a = await download(reader, caseId, pdfId);
      expect(a.status).toBe(200);
      expect((a.body as Buffer).equals(pdf)).toBe(true);
      expect(a.headers['content-disposition']).toBe(`attachment; filename="attachment-${pdfId.slice(0, 8)}.pdf"`);
      const b = await download(reader, caseId, big.body.id);
      expect((b.body as Buffer).equals(bigPdf)).toBe(true);
    }

    const list = await as(t, sup.accessToken).get(`/cases/${caseId}/attachments`);
    expect(list.status).toBe(200);
    expect(list.body.map((a: { id: string }) => a.id)).toEqual([big.body.id, pdfId, photoId]);
    expect(list.body[2].fileName).toBe(`${nameCanary}.png`);
    const [event] = await auditEvents(t, { targetId: pdfId, actorId: sup.user.id, action: 'case.attachment.download' });
    expect(event).toMatchObject({ outcome: 'success' });
  });

  it('refuses other types by their content, whatever their name, and stores nothing', async () => {
    const before = await attachmentRows(caseId);
    for (const [content, name] of [
      [Buffer.from('MZ\x90\x00\x03 executable'), 'photo.jpg'],
      [Buffer.from('GIF89a\x01\x00\x01\x00'), 'x.gif'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.png'],
    ] as const) {
      const res = await upload(cw, caseId, content, name, 'image/jpeg');
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'file', message: expect.any(String) }]);
    }
    const damaged = await upload(cw, caseId, photo.subarray(0, 200), 'broken.jpg');
    expect(damaged.status).toBe(422);
    expect(await attachmentRows(caseId)).toBe(before);
  });

  it('refuses an oversized upload with 413 and a request without a file with 400 naming the field', async () => {
    const before = await attachmentRows(caseId);
    const huge = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(MAX_BYTES + 1)]);
    const res = await upload(cw, caseId, huge, 'huge.pdf');
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    const none = await as(t, cw.accessToken).post(`/cases/${caseId}/attachments`, { file: 'not a file' });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([{ field: 'file', message: expect.any(String) }]);
    const twoFiles = await t.http().post(`/cases/${caseId}/attachments`).set(bearer(cw.accessToken)).attach('file', pdf, 'a.pdf').attach('file', pdf, 'b.pdf');
    expect(twoFiles.status).toBeGreaterThanOrEqual(400);
    expect(twoFiles.status).toBeLessThan(500);
    expect(await attachmentRows(caseId)).toBe(before);
  });

  it('an upload cut off mid-stream leaves nothing behind', async () => {
    const before = await attachmentRows(caseId);
    const logBefore = capturedLogs().length;
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const boundary = 'amaniboundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/cases/${caseId}/attachments`,
        headers: { ...bearer(cw.accessToken), 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(head.length + 200_000) },
      });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(head);
      req.write(randomBytes(50_000), () => setTimeout(() => req.destroy(), 100));
      req.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await attachmentRows(caseId)).toBe(before);
    // The client's hang-up is not logged as an internal error.
    expect(capturedLogs().slice(logBefore)).not.toContain('unhandled error');
    // The API is still fine.
    expect((await as(t, cw.accessToken).get(`/cases/${caseId}/attachments`)).status).toBe(200);
  });

  it('another agency and an unassigned colleague get 404 on every attachment route; only the uploader or a supervisor deletes', async () => {
    for (const user of [otherSup, colleague]) {
      expect((await as(t, user.accessToken).get(`/cases/${caseId}/attachments`)).status).toBe(404);
      const got = await download(user, caseId, pdfId);
      expect(got.status).toBe(404);
      expect(got.headers['content-type']).toMatch(PROBLEM);
      expect((await upload(user, caseId, pdf, 'x.pdf')).status).toBe(404);
      expect((await as(t, user.accessToken).delete(`/cases/${caseId}/attachments/${pdfId}`)).status).toBe(404);
    }
    // An attachment id of another case, through a case the caller may see, is missing too.
    const ownCase = (await as(t, colleague.accessToken).post('/cases', caseBody())).body.id as string;
    expect((await download(colleague, ownCase, pdfId)).status).toBe(404);

    // Shared with the colleague: they read it but may not delete someone else's file.
    expect((await as(t, cw.accessToken).post(`/cases/${caseId}/shares`, { userId: colleague.user.id })).status).toBe(201);
    expect((await download(colleague, caseId, pdfId)).status).toBe(200);
    const refused = await as(t, colleague.accessToken).delete(`/cases/${caseId}/attachments/${pdfId}`);
    expect(refused.status).toBe(403);

    expect((await as(t, sup.accessToken).delete(`/cases/${caseId}/attachments/${pdfId}`)).status).toBe(204);
    expect((await download(cw, caseId, pdfId)).status).toBe(404);
    expect(await db.query(`SELECT 1 FROM case_attachment_chunks WHERE attachment_id = $1`, [pdfId])).toEqual([]);
    const [deleted] = await auditEvents(t, { targetId: pdfId, action: 'case.attachment.delete' });
    expect(deleted).toMatchObject({ outcome: 'success' });
  });

  it('no sentinel (EXIF text, PDF text, file name) is in the database dump, Redis or the logs', async () => {
    const hex = (s: string) => Buffer.from(s).toString('hex');
    const dump = databaseDump();
    expect(dump).toContain(photoId);
    expect(leaked(dump, sentinels)).toEqual([]);
    expect(leaked(dump.toLowerCase(), sentinels.map(hex))).toEqual([]);
    expect(leaked(await redisDump(), sentinels)).toEqual([]);
    expect(leaked(capturedLogs(), sentinels)).toEqual([]);
  });
});
