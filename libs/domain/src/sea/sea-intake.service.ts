import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { LocationsService } from '@amani/domain/locations';
import { AuditService } from '@amani/audit';
import { ValidationProblem } from '@amani/http';
import {
  quarterOf,
  SeaCategory,
  SeaChannel,
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
import { formatReceipt, normaliseReceipt, SeaCrypto } from './sea-crypto';
import { SeaTrustService } from './sea-trust.service';
import { ComplaintWithdrawnProblem, ReceiptNotRecognisedProblem, SeaIntakeUnavailableProblem } from './sea-errors';
import { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaComplaintKey, SeaComplaintsRepository } from './sea-complaints.repository';
import { TransactionHost } from '@amani/database';
import { AppConfig, InjectConfig } from '@amani/config';
import { cleanAttachmentWithin } from '@amani/domain/attachments';
import { CleanEvidence, SeaAttachmentsRepository } from './sea-attachments.repository';

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
  /** `web` (the default) when the complainant submits it; set by assisted intake otherwise. */
  channel?: SeaChannel;
}

/** The receipt's lookup material, for an operation that replaces or retires it. */
export interface MatchedReceipt {
  tag: Buffer;
  verifier: Buffer;
}

/** A file the complainant sends, as received (in memory only); recognised and cleaned before anything is stored. */
export interface EvidenceUpload {
  content: Buffer;
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
  /** Whether contact details are on file (the complainant may erase them). */
  contactOnFile: boolean;
  /** Whether the complainant asked for no further messages. */
  messagesDeclined: boolean;
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
    private readonly repo: SeaComplaintsRepository,
    private readonly crypto: SeaCrypto,
    private readonly throttle: SeaIntakeThrottle,
    private readonly audit: AuditService,
    private readonly trust: SeaTrustService,
    private readonly locations: LocationsService,
    private readonly attachments: SeaAttachmentsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Region codes offered by the questionnaire: those the deployment's agencies serve. */
  regionCodes(): Promise<string[]> {
    return this.repo.regionCodes();
  }

  /**
   * Returns the receipt, formatted; it exists nowhere else afterwards. Evidence is recognised
   * by its content and cleaned (metadata stripped) first; a refused file stores nothing, and
   * the complaint and its evidence are written in one transaction.
   */
  async submit(cmd: SubmitComplaintCommand, evidence?: EvidenceUpload): Promise<{ receipt: string }> {
    await this.locations.assertKnown('regionCode', cmd.regionCode);
    const clean = await this.clean(evidence);
    // Only keys the team endorsed (signature chain to the bootstrap key): a key registered
    // by someone holding a new account, or inserted into the database, is sealed nothing.
    const focalPoints = await this.trust.trusted();
    if (focalPoints.length === 0) throw new SeaIntakeUnavailableProblem();

    const id = randomUUID();
    const today = utcToday();
    const receipt = this.crypto.newReceipt();
    const secrets = await this.crypto.deriveReceipt(receipt);
    const ck = new SeaComplaintKey(id, this.crypto.newComplaintKey());
    try {
      await this.tx.run(async () => {
        await this.repo.insertComplaint(
          {
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
            codedConfirmedOn: null,
            channel: cmd.channel ?? 'web',
            messagesDeclinedOn: null,
            receiptTag: secrets.tag,
            receiptVerifier: secrets.verifier,
            receiptWrappedKey: this.crypto.wrapForReceipt(ck.key, secrets.wrapKey, id),
            shreddedOn: null,
          },
          ck,
          { narrative: cmd.narrative, contact: cmd.contact || null },
          focalPoints.map((fp) => ({ userId: fp.userId, sealedKey: this.crypto.sealComplaintKey(ck.key, id, fp.publicKey) })),
        );
        if (clean) await this.attachments.insert(ck, null, clean, today);
      });
      return { receipt: formatReceipt(receipt) };
    } finally {
      this.crypto.wipe(ck.key, secrets.wrapKey, secrets.verifier);
    }
  }

  /** `source` is the client's address (req.ip); it is only ever used hashed, as a rate-limit key. */
  access(receipt: string, source: string | undefined): Promise<ComplainantView> {
    return this.withReceipt(receipt, source, (ck) => this.view(ck));
  }

  /** A complainant's message, with evidence if sent (cleaned first; one transaction); answers with the updated view. */
  async sendMessage(receipt: string, body: string, source: string | undefined, evidence?: EvidenceUpload): Promise<ComplainantView> {
    const clean = await this.clean(evidence);
    return this.withReceipt(receipt, source, (ck) =>
      this.tx.run(async () => {
        const today = utcToday();
        const message = await this.repo.addMessage(ck.complaintId, ck, 'complainant', null, body, today);
        if (clean) await this.attachments.insert(ck, message.id, clean, today);
        return this.view(ck);
      }),
    );
  }

  /** Refuses an oversized, unrecognised or undecodable file (413/415/422) before any receipt work or write. */
  private async clean(evidence: EvidenceUpload | undefined): Promise<CleanEvidence | null> {
    if (!evidence || evidence.content.length === 0) return null;
    return cleanAttachmentWithin(evidence.content, this.config.attachments.maxBytes);
  }

  /**
   * Exactly one Argon2id run and the same work whether or not the receipt matches. A wrong
   * receipt counts against its source's budget and is audited without any complaint id. A
   * withdrawn receipt answers 410 `complaint_withdrawn`. Every complainant action goes
   * through here (SeaComplainantControlService too), so the same budgets guard them all.
   */
  async withReceipt<T>(input: string, source: string | undefined, fn: (ck: SeaComplaintKey, receipt: MatchedReceipt) => Promise<T>): Promise<T> {
    const digits = normaliseReceipt(input);
    if (!digits) throw new ValidationProblem([{ field: 'receipt', message: 'must be the 20-digit receipt code' }]);
    await this.throttle.assertReceiptAttemptsOpen(source);
    const [secrets, rows] = await Promise.all([this.crypto.deriveReceipt(digits), this.repo.receiptCandidates(this.crypto.receiptTag(digits))]);
    let match: (typeof rows)[number] | undefined;
    for (const row of rows) {
      if (row.verifier.length === secrets.verifier.length && timingSafeEqual(row.verifier, secrets.verifier)) match = row;
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
      if (match.id === null) throw new ComplaintWithdrawnProblem();
      const ck = new SeaComplaintKey(match.id, this.crypto.unwrapForReceipt(match.wrappedKey, secrets.wrapKey, match.id));
      try {
        const result = await fn(ck, { tag: secrets.tag, verifier: secrets.verifier });
        await this.throttle.countAccess(utcToday());
        return result;
      } finally {
        this.crypto.wipe(ck.key);
      }
    } finally {
      this.crypto.wipe(secrets.wrapKey, secrets.verifier);
    }
  }

  /** What the receipt holder sees now. */
  async view(ck: SeaComplaintKey): Promise<ComplainantView> {
    const c = await this.repo.findComplaint(ck.complaintId);
    if (!c) throw new ReceiptNotRecognisedProblem();
    const messages = await this.repo.messages(ck.complaintId, ck);
    return {
      status: c.status,
      outcome: c.outcome,
      receivedOn: c.receivedOn,
      language: c.language,
      messages: messages.map((m) => ({ from: m.from, body: m.body, sentOn: m.sentOn })),
      contactOnFile: this.repo.hasContact(c),
      messagesDeclined: c.messagesDeclinedOn !== null,
    };
  }
}
