import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import { utcToday } from './sea-codes';
import { SeaComplainantControlRepository } from './sea-complainant-control.repository';
import { SeaRetentionRepository } from './sea-retention.repository';
import { formatReceipt, SeaCrypto } from './sea-crypto';
import { ReceiptNotRecognisedProblem } from './sea-errors';
import { ComplainantView, MatchedReceipt, SeaIntakeService } from './sea-intake.service';
import type { SeaComplaintKey } from './sea-complaints.repository';

/**
 * The complainant's control over their complaint, with the receipt alone: withdraw it, erase
 * their contact details, ask for no further messages, change the receipt. Each action opens
 * the complaint through SeaIntakeService.withReceipt (one Argon2id run, the receipt-guessing
 * budgets, no log line, no per-complaint audit event) and runs in one transaction that first
 * locks the row and re-checks that the receipt is still the complaint's.
 */
@Injectable()
export class SeaComplainantControlService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly intake: SeaIntakeService,
    private readonly repo: SeaComplainantControlRepository,
    private readonly crypto: SeaCrypto,
    private readonly retention: SeaRetentionRepository,
  ) {}

  /**
   * Crypto-shreds the complaint: narrative, contact, messages, notes, the grants sealed to
   * focal points and the receipt-wrapped key all go, so no key opens anything of it. The coded
   * row stays (status `withdrawn`) only when a focal point had assessed it — the statistics
   * count only assessed complaints; an unassessed one is deleted. The receipt then answers
   * "withdrawn" (410 `complaint_withdrawn`).
   */
  withdraw(receipt: string, source: string | undefined): Promise<{ status: 'withdrawn' }> {
    return this.intake.withReceipt(receipt, source, (ck, matched) =>
      this.tx.run(async () => {
        const c = await this.locked(ck, matched);
        const today = utcToday();
        await this.repo.retireReceipt(matched, today);
        if (c.codedConfirmedOn !== null) {
          // The retention job's one definition of crypto-shredding, then the withdrawn status.
          await this.retention.shred([c.id], today);
          await this.repo.markWithdrawn(c.id, today);
        } else {
          await this.repo.deleteComplaint(c.id);
        }
        return { status: 'withdrawn' as const };
      }),
    );
  }

  eraseContact(receipt: string, source: string | undefined): Promise<ComplainantView> {
    return this.intake.withReceipt(receipt, source, (ck, matched) =>
      this.tx.run(async () => {
        await this.locked(ck, matched);
        await this.repo.eraseContact(ck.complaintId);
        return this.intake.view(ck);
      }),
    );
  }

  /** Focal points can no longer write (409 `messages_declined`); the complainant still can. */
  declineMessages(receipt: string, source: string | undefined): Promise<ComplainantView> {
    return this.intake.withReceipt(receipt, source, (ck, matched) =>
      this.tx.run(async () => {
        await this.locked(ck, matched);
        await this.repo.declineMessages(ck.complaintId, utcToday());
        return this.intake.view(ck);
      }),
    );
  }

  /**
   * A new receipt, shown once: the complaint key is re-wrapped under the new receipt's key and
   * the old receipt's material replaced in one statement, so the old receipt stops working.
   */
  changeReceipt(receipt: string, source: string | undefined): Promise<{ receipt: string }> {
    return this.intake.withReceipt(receipt, source, async (ck, matched) => {
      const digits = this.crypto.newReceipt();
      const next = await this.crypto.deriveReceipt(digits);
      try {
        await this.tx.run(async () => {
          await this.locked(ck, matched);
          await this.repo.replaceReceipt(ck.complaintId, {
            tag: next.tag,
            verifier: next.verifier,
            wrappedKey: this.crypto.wrapForReceipt(ck.key, next.wrapKey, ck.complaintId),
          });
        });
        return { receipt: formatReceipt(digits) };
      } finally {
        this.crypto.wipe(next.wrapKey, next.verifier);
      }
    });
  }

  /** The row, locked; a receipt changed or a complaint withdrawn meanwhile is no longer recognised. */
  private async locked(ck: SeaComplaintKey, matched: MatchedReceipt) {
    const c = await this.repo.lockLive(ck.complaintId, matched.verifier);
    if (!c) throw new ReceiptNotRecognisedProblem();
    return c;
  }
}
