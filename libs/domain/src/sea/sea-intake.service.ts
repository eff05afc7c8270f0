import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { LocationsService } from '@amani/domain/locations';
import { EntityManager } from 'typeorm';
import { AuditService } from '@amani/audit';
import { ValidationProblem } from '@amani/http';
import {
  quarterOf,
  SeaCategory,
  SeaDateBand,
  SeaEntityType,
  SeaLanguage,
  SeaMessageAuthor,
  SeaOutcome,
  SeaStatus,
  SeaVictimAgeBand,
  SeaVictimSex,
  utcToday,
} from './sea-codes';
import { SeaComplaintGrant } from './sea-complaint-grant.entity';
import { SeaComplaintMessage } from './sea-complaint-message.entity';
import { SeaComplaint } from './sea-complaint.entity';
import { formatReceipt, normaliseReceipt, SeaCrypto } from './sea-crypto';
import { SeaTrustService } from './sea-trust.service';
import { ReceiptNotRecognisedProblem, SeaIntakeUnavailableProblem } from './sea-errors';
import { SeaIntakeThrottle } from './sea-intake-throttle';
import { TransactionHost } from '@amani/database';

export interface SubmitComplaintCommand {
  category: SeaCategory;
  entityType: SeaEntityType;
  victimSex: SeaVictimSex;
  victimAgeBand: SeaVictimAgeBand;
  complainantIsVictim: boolean;
  dateBand: SeaDateBand;
  regionCode: string | null;
  narrative: string;
  contact: string | null;
  wantsAssistance: boolean;
  language: SeaLanguage;
}

export interface ComplainantMessageView {
  from: SeaMessageAuthor;
  body: string;
  sentOn: string;
}

/** What a receipt holder sees: status, public outcome and the conversation; never the narrative back. */
export interface ComplainantView {
  status: SeaStatus;
  outcome: SeaOutcome | null;
  receivedOn: string;
  language: SeaLanguage;
  messages: ComplainantMessageView[];
}

interface ReceiptRow {
  id: string;
  receipt_verifier: Buffer;
  receipt_wrapped_key: Buffer;
}

/**
 * Anonymous intake and follow-up by receipt. Nothing here learns or keeps who the
 * complainant is: no address, no user agent, no time finer than the day, and no per-request
 * audit event that would date a complaint (see SeaRetentionService's daily summary).
 */
@Injectable()
export class SeaIntakeService {
  private readonly logger = new Logger(SeaIntakeService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly crypto: SeaCrypto,
    private readonly throttle: SeaIntakeThrottle,
    private readonly audit: AuditService,
    private readonly trust: SeaTrustService,
    private readonly locations: LocationsService,
  ) {}

  /** Region codes offered by the questionnaire: those the deployment's agencies serve. */
  async regionCodes(): Promise<string[]> {
    const rows: { code: string }[] = await this.tx.manager.query(
      `SELECT DISTINCT unnest(region_codes) AS code FROM agencies ORDER BY 1`,
    );
    return rows.map((r) => r.code);
  }

  /** Returns the receipt, formatted; it exists nowhere else afterwards. */
  async submit(cmd: SubmitComplaintCommand): Promise<{ receipt: string }> {
    await this.locations.assertKnown('regionCode', cmd.regionCode);
    // Only keys the team endorsed (signature chain to the bootstrap key): a key registered
    // by someone holding a new account, or inserted into the database, is sealed nothing.
    const focalPoints = (await this.trust.trusted()).map((k) => ({ user_id: k.userId, public_key: k.publicKey }));
    if (focalPoints.length === 0) throw new SeaIntakeUnavailableProblem();

    const id = randomUUID();
    const today = utcToday();
    const receipt = this.crypto.newReceipt();
    const secrets = await this.crypto.deriveReceipt(receipt);
    const ck = this.crypto.newComplaintKey();
    try {
      const seal = (column: string, value: string) => this.crypto.encryptField(ck, 'sea_complaints', column, id, value);
      await this.tx.run(async (em) => {
        await em.insert(SeaComplaint, {
          id,
          category: cmd.category,
          entityType: cmd.entityType,
          victimSex: cmd.victimSex,
          victimAgeBand: cmd.victimAgeBand,
          dateBand: cmd.dateBand,
          regionCode: cmd.regionCode,
          complainantIsVictim: cmd.complainantIsVictim,
          wantsAssistance: cmd.wantsAssistance,
          language: cmd.language,
          status: 'received',
          outcome: null,
          receivedOn: today,
          receivedQuarter: quarterOf(today),
          statusChangedOn: today,
          receiptTag: secrets.tag,
          receiptVerifier: secrets.verifier,
          receiptWrappedKey: this.crypto.wrapForReceipt(ck, secrets.wrapKey, id),
          narrative: seal('narrative', cmd.narrative),
          contact: cmd.contact ? seal('contact', cmd.contact) : null,
          shreddedOn: null,
        });
        await em.insert(
          SeaComplaintGrant,
          focalPoints.map((fp) => ({
            complaintId: id,
            userId: fp.user_id,
            sealedKey: this.crypto.sealComplaintKey(ck, id, fp.public_key),
            grantedBy: null,
            grantedOn: today,
          })),
        );
      });
      return { receipt: formatReceipt(receipt) };
    } finally {
      this.crypto.wipe(ck, secrets.wrapKey, secrets.verifier);
    }
  }

  /** `source` is the client's address (req.ip); it is only ever used hashed, as a rate-limit key. */
  access(receipt: string, source: string | undefined): Promise<ComplainantView> {
    return this.withReceipt(receipt, source, async (complaintId, ck) => this.view(this.tx.manager, complaintId, ck));
  }

  /** A complainant's message; answers with the updated view. */
  sendMessage(receipt: string, body: string, source: string | undefined): Promise<ComplainantView> {
    return this.withReceipt(receipt, source, (complaintId, ck) =>
      this.tx.run(async (em) => {
        const seq = await nextMessageSeq(em, complaintId);
        const messageId = randomUUID();
        await em.insert(SeaComplaintMessage, {
          id: messageId,
          complaintId,
          seq,
          author: 'complainant',
          authorId: null,
          body: this.crypto.encryptField(ck, 'sea_complaint_messages', 'body', messageId, body),
          sentOn: utcToday(),
        });
        return this.view(em, complaintId, ck);
      }),
    );
  }

  /**
   * Exactly one Argon2id run and the same work whether or not the receipt matches. A wrong
   * receipt counts against its source's budget and is audited without any complaint id.
   */
  private async withReceipt<T>(input: string, source: string | undefined, fn: (complaintId: string, ck: Buffer) => Promise<T>): Promise<T> {
    const digits = normaliseReceipt(input);
    if (!digits) throw new ValidationProblem([{ field: 'receipt', message: 'must be the 20-digit receipt code' }]);
    await this.throttle.assertReceiptAttemptsOpen(source);
    const [secrets, rows] = await Promise.all([
      this.crypto.deriveReceipt(digits),
      this.tx.manager.query<ReceiptRow[]>(
        `SELECT id, receipt_verifier, receipt_wrapped_key FROM sea_complaints WHERE receipt_tag = $1 AND shredded_on IS NULL`,
        [this.crypto.receiptTag(digits)],
      ),
    ]);
    let match: ReceiptRow | undefined;
    for (const row of rows) {
      if (row.receipt_verifier.length === secrets.verifier.length && timingSafeEqual(row.receipt_verifier, secrets.verifier)) match = row;
    }
    try {
      if (!match) {
        await this.throttle.recordReceiptFailure(source);
        // Not awaited: a commit (WAL flush) only on the wrong path would make it the slower one.
        void this.audit
          .record({ action: 'sea.receipt.refused', outcome: 'failure', targetType: 'sea_complaint', details: { reason: 'no_match' } })
          .catch((e: unknown) => this.logger.error({ err: { type: (e as Error)?.name } }, 'audit write failed'));
        throw new ReceiptNotRecognisedProblem();
      }
      const ck = this.crypto.unwrapForReceipt(match.receipt_wrapped_key, secrets.wrapKey, match.id);
      try {
        const result = await fn(match.id, ck);
        await this.throttle.countAccess(utcToday());
        return result;
      } finally {
        this.crypto.wipe(ck);
      }
    } finally {
      this.crypto.wipe(secrets.wrapKey, secrets.verifier);
    }
  }

  private async view(em: EntityManager, complaintId: string, ck: Buffer): Promise<ComplainantView> {
    const c = await em.findOneByOrFail(SeaComplaint, { id: complaintId });
    const messages = await em.find(SeaComplaintMessage, { where: { complaintId }, order: { seq: 'ASC' } });
    return {
      status: c.status,
      outcome: c.outcome,
      receivedOn: c.receivedOn,
      language: c.language,
      messages: messages.map((m) => ({
        from: m.author,
        body: this.crypto.decryptField(ck, 'sea_complaint_messages', 'body', m.id, m.body),
        sentOn: m.sentOn,
      })),
    };
  }
}

/** Serialises writers of one complaint's conversation without touching the complaint row. */
export async function nextMessageSeq(em: EntityManager, complaintId: string): Promise<number> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`sea_complaint_messages:${complaintId}`]);
  const rows: { next: number }[] = await em.query(
    `SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM sea_complaint_messages WHERE complaint_id = $1`,
    [complaintId],
  );
  return Number(rows[0].next);
}
