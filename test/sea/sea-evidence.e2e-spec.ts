import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { SeaRetentionService } from '@amani/domain/sea';
import { auditPage, launchChromium, openPhonePage, PageTrail } from '../support/browser';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { capturedLogs, databaseDump, redisDump, rememberSecret } from '../support/canary';
import { complaintIdOf, focalPoint, FocalPoint, fpApi, sentinel } from './sea-fixtures';

const MAX_BYTES = 512 * 1024;

/** Collects a binary response body (supertest leaves unknown types unparsed). */
function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => done(null, Buffer.concat(parts)));
}

/** A photo with a canary in its EXIF description, its GPS position and a JPEG comment. */
async function photoWithCanary(canary: string): Promise<{ jpeg: Buffer; pixels: Buffer }> {
  const width = 64;
  const height = 48;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set([x * 4, y * 5, 128], (y * width + x) * 3);
  const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .withExif({ IFD0: { ImageDescription: canary, Make: canary }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '2/1 2/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '45/1 20/1 0/1' } })
    .toBuffer();
  // A COM segment right after SOI: one more place a device leaves words.
  const comment = Buffer.from(canary, 'latin1');
  const com = Buffer.concat([Buffer.from([0xff, 0xfe, (comment.length + 2) >> 8, (comment.length + 2) & 0xff]), comment]);
  return { jpeg: Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2)]), pixels: raw };
}

function pdfWithCanary(canary: string, size = 4096): Buffer {
  const head = Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${canary}) >> endobj\n% ${canary}\n`, 'latin1');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length - 6), 0x20), Buffer.from('%%EOF\n')]);
}

/**
 * Evidence on the complainant pages, with JavaScript off: a photo sent with a French report
 * and a PDF with a follow-up message reach the focal point (photo: pixels kept, EXIF, GPS and
 * comment gone; PDF: byte for byte), sealed under the complaint key so the canaries in them
 * appear nowhere in the database, Redis or the logs. Refused files (wrong type, too large)
 * get a page in French and store nothing. Shredding the complaint takes its evidence.
 */
describe('SEA evidence on /report (no JavaScript)', () => {
  let t: TestApp;
  let ds: DataSource;
  let fp: FocalPoint;
  let browser: Browser;
  let axeContext: BrowserContext;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const trail: PageTrail = { visited: [], foreignRequests: [], cspViolations: [] };
  const canaries: string[] = [];
  const canary = (name: string) => {
    const value = sentinel(name);
    canaries.push(value);
    return value;
  };
  let complaintId: string;
  let receipt: string;

  const counts = async () => {
    const [row] = await ds.query(
      `SELECT (SELECT count(*) FROM sea_complaints)::int AS complaints, (SELECT count(*) FROM sea_complaint_messages)::int AS messages,
              (SELECT count(*) FROM sea_complaint_attachments)::int AS attachments, (SELECT count(*) FROM sea_complaint_attachment_chunks)::int AS chunks`,
    );
    return row as Record<string, number>;
  };

  const audited = async (name: string) => {
    const audit = await auditPage(axeContext, page);
    expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
  };

  const answerForm = async (narrative: string) => {
    await page.check('input[name=category][value=sexual_abuse]');
    await page.check('input[name=entityType][value=implementing_partner]');
    await page.check('input[name=complainantIsVictim][value=false]');
    await page.check('input[name=victimSex][value=female]');
    await page.check('input[name=victimAgeBand][value="18_25"]');
    await page.check('input[name=dateBand][value=last_month]');
    await page.selectOption('select[name=regionCode]', '');
    await page.fill('textarea[name=narrative]', narrative);
    await page.check('input[name=wantsAssistance][value=false]');
  };

  const env = isolatedEnv('seaev');
  beforeAll(async () => {
    // A database of its own: the suite counts rows before and after each upload, which suites
    // running beside it in the shared run database would change.
    prepareIsolatedDatabase(env);
    t = await createTestApp({ ...env, ATTACHMENT_MAX_BYTES: String(MAX_BYTES) });
    ds = t.app.get(DataSource);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    fp = await focalPoint(t);
    ({ browser, axeContext } = await launchChromium());
    ({ context, page } = await openPhonePage(browser, base, 'fr', trail));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('a photo sent with the report reaches the focal point without its metadata; the download is a neutral, unstored attachment', async () => {
    const exifCanary = canary('EXIFPHOTO');
    const { jpeg, pixels } = await photoWithCanary(exifCanary);
    expect(jpeg.toString('latin1')).toContain(exifCanary);
    const before = await counts();

    await page.goto(`${base}/report?lang=fr`);
    expect(await page.getAttribute('form[action="/report"]', 'enctype')).toBe('multipart/form-data');
    expect(await page.textContent('#evidence-help')).toContain('0.5 Mo');
    await audited('form-fr');
    await answerForm(`Au point de distribution ${canary('EVNARR')}`);
    await page.setInputFiles('#evidence', { name: `IMG_${canary('FILENAME')}.jpg`, mimeType: 'image/jpeg', buffer: jpeg });
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Votre signalement a été reçu');
    receipt = (await page.textContent('#receipt'))!.trim();
    rememberSecret(receipt);
    rememberSecret(receipt.replace(/-/g, ''));
    complaintId = await complaintIdOf(t, receipt);
    expect(await counts()).toEqual({ ...before, complaints: before.complaints + 1, attachments: before.attachments + 1, chunks: before.chunks + 1 });

    const list = await fpApi(t, fp).get(`/sea/complaints/${complaintId}/attachments`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ id: expect.any(String), complaintId, messageId: null, mediaType: 'image/jpeg', sizeBytes: expect.any(Number), addedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }]);
    const [{ id }] = list.body as { id: string }[];

    const locked = await fpApi(t, { accessToken: fp.accessToken }).get(`/sea/complaints/${complaintId}/attachments/${id}`);
    expect([locked.status, locked.headers['content-type']]).toEqual([423, expect.stringContaining('application/problem+json')]);

    const download = await fpApi(t, fp).get(`/sea/complaints/${complaintId}/attachments/${id}`).buffer(true).parse(binary);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('image/jpeg');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="evidence-${id.slice(0, 8)}.jpg"`);
    expect(download.headers['cache-control']).toBe('no-store');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    const bytes = download.body as Buffer;
    expect(bytes.length).toBe(list.body[0].sizeBytes);
    expect(bytes.toString('latin1')).not.toContain(exifCanary);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.xmp, meta.iptc]).toEqual(['jpeg', 64, 48, undefined, undefined, undefined]);
    // The pixels survive the re-encoding (JPEG: within a small error).
    const decoded = await sharp(bytes).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < pixels.length; i++) diff += Math.abs(decoded[i] - pixels[i]);
    expect(diff / pixels.length).toBeLessThan(4);
  });

  it('a PDF sent with a follow-up message arrives byte for byte, linked to that message', async () => {
    const pdf = pdfWithCanary(canary('PDFCONTENT'));
    await page.goto(`${base}/report/follow-up?lang=fr`);
    await page.fill('#receipt', receipt);
    await page.click('button[type=submit]');
    expect(await page.getAttribute('form[action="/report/follow-up/messages"]', 'enctype')).toBe('multipart/form-data');
    await audited('status-fr');
    await page.fill('textarea[name=body]', `Voici le document ${canary('EVMSG')}`);
    await page.setInputFiles('#evidence', { name: 'releve.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.click('button[type=submit]');
    expect(await page.locator('#messages .msg').count()).toBe(1);

    const detail = await fpApi(t, fp).get(`/sea/complaints/${complaintId}`);
    const list = (await fpApi(t, fp).get(`/sea/complaints/${complaintId}/attachments`)).body as { id: string; messageId: string | null; mediaType: string }[];
    expect(list.map((a) => [a.mediaType, a.messageId])).toEqual([
      ['image/jpeg', null],
      ['application/pdf', detail.body.messages[0].id],
    ]);
    const download = await fpApi(t, fp).get(`/sea/complaints/${complaintId}/attachments/${list[1].id}`).buffer(true).parse(binary);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="evidence-${list[1].id.slice(0, 8)}.pdf"`);
    expect((download.body as Buffer).equals(pdf)).toBe(true);
  });

  it('a disallowed type (whatever its name) or an oversized file gets a page in French and stores nothing', async () => {
    const before = await counts();
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><text>${canary('SVG')}</text></svg>`);
    await page.goto(`${base}/report?lang=fr`);
    await answerForm(`Refusé ${canary('REFUSEDNARR')}`);
    await page.setInputFiles('#evidence', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: svg });
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Rien n’a été envoyé');
    expect(await page.textContent('.alert')).toContain('seules les photos JPEG ou PNG et les documents PDF sont acceptés');
    await audited('refused-type-fr');

    await page.goto(`${base}/report?lang=fr`);
    await answerForm(`Trop gros ${canary('BIGNARR')}`);
    await page.setInputFiles('#evidence', { name: 'gros.pdf', mimeType: 'application/pdf', buffer: pdfWithCanary(canary('BIGPDF'), MAX_BYTES + 1) });
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Rien n’a été envoyé');
    expect(await page.textContent('.alert')).toContain('Le fichier est trop volumineux : jusqu’à 0.5 Mo.');

    // The same over HTTP, with status codes: 415 / 413 pages, and on the follow-up form too.
    const form = (lang: string) => {
      const req = t.http().post('/report');
      const answers = { lang, category: 'sexual_abuse', entityType: 'other', complainantIsVictim: 'true', victimSex: 'male', victimAgeBand: '18_25', dateBand: 'unknown', regionCode: '', narrative: 'Refusé', wantsAssistance: 'false' };
      for (const [k, v] of Object.entries(answers)) void req.field(k, v);
      return req;
    };
    const type = await form('es').attach('evidence', svg, { filename: 'a.png', contentType: 'image/png' });
    expect([type.status, type.headers['content-type']]).toEqual([415, expect.stringContaining('text/html')]);
    expect(type.text).toContain('solo se aceptan fotos JPEG o PNG y documentos PDF');
    const big = await form('ar').attach('evidence', pdfWithCanary('big', MAX_BYTES + 10), { filename: 'b.pdf' });
    expect([big.status, big.headers['content-type']]).toEqual([413, expect.stringContaining('text/html')]);
    expect(big.text).toContain('الملف كبير جدًا');
    const reply = await t.http().post('/report/follow-up/messages').field('lang', 'fr').field('receipt', receipt).field('body', 'encore').attach('evidence', Buffer.from('MZ\x90\x00'), { filename: 'x.pdf' });
    expect(reply.status).toBe(415);
    expect(reply.text).toContain('Rien n’a été envoyé');
    expect(await counts()).toEqual(before);
  });

  it('garbage multipart is a 400 problem+json, never a 500', async () => {
    const res = await t.http().post('/report').set('Content-Type', 'multipart/form-data; boundary=XYZ').send('--XYZ\r\nContent-Disposition: form-data; name="lang"\r\n\r\nfr\r\n--XY');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const noBoundary = await t.http().post('/report/follow-up/messages').set('Content-Type', 'multipart/form-data').send('garbage');
    expect([noBoundary.status, noBoundary.headers['content-type']]).toEqual([400, expect.stringContaining('application/problem+json')]);
  });

  it('the canaries of the files, their names and the narratives are nowhere in the database, Redis or the logs; nothing foreign loaded', async () => {
    // This suite's own database and Redis prefix (the run-wide leak check covers the shared ones).
    const saved = { owner: process.env.DATABASE_OWNER_URL, prefix: process.env.REDIS_PREFIX };
    Object.assign(process.env, { DATABASE_OWNER_URL: env.DATABASE_OWNER_URL, REDIS_PREFIX: env.REDIS_PREFIX });
    let haystacks: { db: string; redis: string; logs: string };
    try {
      haystacks = { db: databaseDump(), redis: await redisDump(), logs: capturedLogs() };
    } finally {
      Object.assign(process.env, { DATABASE_OWNER_URL: saved.owner, REDIS_PREFIX: saved.prefix });
    }
    for (const [where, text] of Object.entries(haystacks)) expect([where, canaries.filter((c) => text.includes(c))]).toEqual([where, []]);
    expect(await context.cookies()).toEqual([]);
    expect(trail.foreignRequests).toEqual([]);
    expect(trail.cspViolations).toEqual([]);
    expect(trail.visited.filter((u) => u.includes(receipt.replace(/-/g, '')) || u.includes(receipt))).toEqual([]);
  });

  it('shredding the complaint (retention) deletes its evidence', async () => {
    await ds.query(`UPDATE sea_complaints SET status_changed_on = current_date - 800, retention_warned_on = current_date - 30 WHERE id = $1`, [complaintId]);
    await t.app.get(SeaRetentionService).run();
    const [row] = await ds.query(
      `SELECT (SELECT count(*) FROM sea_complaint_attachments WHERE complaint_id = $1)::int AS attachments,
              (SELECT count(*) FROM sea_complaint_attachment_chunks ch JOIN sea_complaint_attachments a ON a.id = ch.attachment_id WHERE a.complaint_id = $1)::int AS chunks,
              (SELECT shredded_on IS NOT NULL FROM sea_complaints WHERE id = $1) AS shredded`,
      [complaintId],
    );
    expect(row).toEqual({ attachments: 0, chunks: 0, shredded: true });
    expect((await fpApi(t, fp).get(`/sea/complaints/${complaintId}/attachments`)).status).toBe(410);
  });
});
