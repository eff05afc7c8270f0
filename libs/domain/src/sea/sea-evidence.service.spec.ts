import { testAppConfig } from '@amani/testing/test-app-config';
import { randomUUID } from 'node:crypto';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import { FakeAuditService, FakeTransactionHost, problemOf } from '../testing/unit-fakes';
import type { SeaActor } from './sea-actor';
import { SeaAuditor } from './sea-auditor';
import { SeaComplaintKey } from './sea-complaints.repository';
import { SeaEvidenceService } from './sea-evidence.service';
import { SeaWorkspaceService } from './sea-workspace.service';
import { FakeUnlockedKeys } from './testing/fake-unlocked-keys';
import { FakeSeaInvestigationRepository } from './testing/fake-sea-investigation.repository';
import { FakeSeaAttachmentsRepository } from './testing/fake-sea-attachments.repository';
import { FakeSeaComplaintsRepository } from './testing/fake-sea-complaints.repository';

const problem = problemOf;

async function drain(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out);
}

describe('SeaEvidenceService', () => {
  let audit: FakeAuditService;
  let repo: FakeSeaComplaintsRepository;
  let files: FakeSeaAttachmentsRepository;
  let sut: SeaEvidenceService;
  let fp: SeaActor;
  let colleague: SeaActor;

  beforeEach(() => {
    audit = new FakeAuditService();
    repo = new FakeSeaComplaintsRepository();
    files = new FakeSeaAttachmentsRepository();
    const keys = new FakeUnlockedKeys().asService();
    const auditor = new SeaAuditor(audit.asService());
    const workspace = new SeaWorkspaceService(new FakeTransactionHost().asHost(), repo, keys, auditor, fakeLocations(), new FakeSeaInvestigationRepository(repo), testAppConfig());
    sut = new SeaEvidenceService(workspace, repo, keys, files, auditor);
    fp = { id: randomUUID(), role: 'psea_focal_point', agencyId: null, sessionId: randomUUID(), requestId: null };
    colleague = { ...fp, id: randomUUID(), sessionId: randomUUID() };
  });

  /** A complaint granted to `fp` with one stored PDF of `size` bytes. */
  async function withFile(size = 300 * 1024) {
    const c = repo.addComplaint();
    repo.grant(c.id, fp.id);
    const stored = repo.complaints.get(c.id)!;
    const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size, 0x41)]);
    const view = await files.insert(new SeaComplaintKey(c.id, stored.key), null, { mediaType: 'application/pdf', content }, '2026-12-01');
    return { c, view, content };
  }

  it('lists coded facts only (no file name, no content) with the grant, audited with the count', async () => {
    const { c, view } = await withFile();
    const items = await sut.list(fp, c.id);
    expect(items).toEqual([view]);
    expect(Object.keys(items[0]).sort()).toEqual(['addedOn', 'complaintId', 'id', 'mediaType', 'messageId', 'sizeBytes']);
    expect(audit.last()).toMatchObject({ action: 'sea.complaint.attachment.list', outcome: 'success', targetId: c.id, details: { count: 1 } });
    expect((await problem(sut.list(colleague, c.id))).status).toBe(403);
  });

  it('opens the content with the unlocked key and wipes the complaint key once the stream ends', async () => {
    const { c, view, content } = await withFile();
    const { view: opened, chunks } = await sut.open(fp, c.id, view.id, 'unlock');
    expect(opened).toEqual(view);
    expect(repo.openKeys).toBe(1);
    expect((await drain(chunks)).equals(content)).toBe(true);
    expect(repo.openKeys).toBe(0);
    expect(repo.wipedPrivateKeys).toBe(1);
    expect(audit.last()).toMatchObject({ action: 'sea.complaint.attachment.download', outcome: 'success', details: { attachment: view.id } });
  });

  it('a stream abandoned half-way still wipes the key', async () => {
    const { c, view } = await withFile();
    const { chunks } = await sut.open(fp, c.id, view.id, 'unlock');
    await chunks.next();
    await chunks.return(undefined);
    expect(repo.openKeys).toBe(0);
  });

  it('refuses: locked key 423, no grant 403, another complaint’s attachment 404, shredded 410 — no key left open', async () => {
    const { c, view } = await withFile(10);
    expect((await problem(sut.open(fp, c.id, view.id, 'wrong'))).status).toBe(423);
    expect((await problem(sut.open(colleague, c.id, view.id, 'unlock'))).status).toBe(403);
    const other = repo.addComplaint();
    repo.grant(other.id, fp.id);
    expect((await problem(sut.open(fp, other.id, view.id, 'unlock'))).status).toBe(404);
    repo.complaints.get(c.id)!.record.shreddedOn = '2026-12-02';
    expect((await problem(sut.open(fp, c.id, view.id, 'unlock'))).code).toBe('complaint_shredded');
    expect(repo.openKeys).toBe(0);
    expect(audit.events.filter((e) => e.outcome === 'denied').length).toBeGreaterThanOrEqual(3);
  });
});
