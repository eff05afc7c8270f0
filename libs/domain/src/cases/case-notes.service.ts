import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import { CaseVault } from './case-vault';
import { CasesRepository, withCaseKey } from './cases.repository';
import type { NoteView, Page } from './case-views';
import { TransactionHost } from '@amani/database';

/** Append-only, encrypted case notes. Notes may still be added to a closed case. */
@Injectable()
export class CaseNotesService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly repo: CasesRepository,
    private readonly auditor: CaseAuditor,
  ) {}

  create(actor: CaseActor, caseId: string, body: string): Promise<NoteView> {
    const id = randomUUID();
    const target: CaseAuditTarget = { action: 'case.note.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.repo.loadInScope(actor, caseId);
        const sealed = await withCaseKey(this.repo, this.vault, c, (key) => this.vault.seal(key, 'case_notes', 'body', id, body));
        const saved = await this.repo.insertNote({ id, caseId, agencyId: c.agencyId, authorId: actor.id, body: sealed });
        await this.auditor.success(actor, { ...target, targetType: 'case_note', targetId: id }, { case: caseId }, em);
        return { id, caseId, authorId: actor.id, body, createdAt: saved.createdAt };
      }),
    );
  }

  list(actor: CaseActor, caseId: string, page: number, pageSize: number): Promise<Page<NoteView>> {
    const target: CaseAuditTarget = { action: 'case.note.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadInScope(actor, caseId);
      const [rows, total] = await this.repo.listNotes(caseId, page, pageSize);
      const items = await withCaseKey(this.repo, this.vault, c, (key) =>
        rows.map((n) => ({
          id: n.id,
          caseId: n.caseId,
          authorId: n.authorId,
          body: this.vault.open(key, 'case_notes', 'body', n.id, n.body),
          createdAt: n.createdAt,
        })),
      );
      await this.auditor.success(actor, target, { count: items.length });
      return { items, page, pageSize, total };
    });
  }
}
