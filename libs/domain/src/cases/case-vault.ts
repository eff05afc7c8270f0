import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BlindIndexService, EnvelopeCrypto, FieldContext } from '@amani/crypto';
import { CaseKey } from './case-key.entity';
import { CaseIntegrityError, CaseShreddedError } from './case-errors';

/** Tables whose encrypted columns live under a case's data key. */
export type CaseTable =
  | 'cases'
  | 'case_incidents'
  | 'case_notes'
  | 'case_action_plan_items'
  | 'case_assessment_needs'
  | 'case_safety_plans'
  | 'case_approvals'
  | 'case_attachments'
  | 'case_attachment_chunks'
  | 'case_transfers';

const DATA_KEY_PURPOSE = 'case';

/** What a case's wrapped data key is bound to; the KEK rotation job re-wraps under the same context. */
export function caseDataKeyContext(caseId: string): { keyId: string; purpose: string } {
  return { keyId: caseId, purpose: DATA_KEY_PURPOSE };
}
const SURVIVOR_CODE_INDEX = { purpose: 'cases.survivor_code' } as const;
const PHONE_INDEX = { purpose: 'cases.phone' } as const;

/** A case_keys row as stored (wrapped). */
export interface StoredCaseKey {
  wrappedDek: Buffer;
  kekVersion: number;
  keyVersion: number;
}

/**
 * An unwrapped case data key, bound to its case and agency. Lives for one operation;
 * CaseVault.withKey zeroes it afterwards.
 */
export class CaseKeyHandle {
  constructor(
    readonly caseId: string,
    readonly agencyId: string,
    readonly keyVersion: number,
    /** @internal */ readonly dek: Buffer,
  ) {}
}

/**
 * The only gateway between the case store and the crypto library: per-case data keys,
 * field encryption bound to (table, column, row id, agency id, key version), and blind
 * indexes. Any authentication failure surfaces as IntegrityError / CaseIntegrityError.
 */
@Injectable()
export class CaseVault {
  constructor(
    private readonly envelope: EnvelopeCrypto,
    private readonly blindIndex: BlindIndexService,
  ) {}

  /** A fresh data key for a new case; persist it with saveKey once the case row exists. */
  newKey(caseId: string, agencyId: string): CaseKeyHandle {
    return new CaseKeyHandle(caseId, agencyId, 1, this.envelope.generateDataKey());
  }

  /** The key wrapped under the current KEK, for a caller that writes the case_keys row itself. */
  wrapKey(key: CaseKeyHandle): { wrappedDek: Buffer; kekVersion: number; keyVersion: number } {
    const wrapped = this.envelope.wrapDataKey(key.dek, caseDataKeyContext(key.caseId));
    return { wrappedDek: wrapped.wrapped, kekVersion: wrapped.kekVersion, keyVersion: key.keyVersion };
  }

  async saveKey(em: EntityManager, key: CaseKeyHandle): Promise<void> {
    const wrapped = this.envelope.wrapDataKey(key.dek, caseDataKeyContext(key.caseId));
    await em.insert(CaseKey, {
      caseId: key.caseId,
      wrappedDek: wrapped.wrapped,
      kekVersion: wrapped.kekVersion,
      keyVersion: key.keyVersion,
    });
  }

  async openKey(em: EntityManager, c: { id: string; agencyId: string }): Promise<CaseKeyHandle> {
    return this.keyFromRow(c, await em.findOne(CaseKey, { where: { caseId: c.id } }));
  }

  /** Unwraps a key row already read (e.g. joined to its case); no row means the case was shredded. */
  keyFromRow(c: { id: string; agencyId: string }, row: StoredCaseKey | null): CaseKeyHandle {
    if (!row) throw new CaseShreddedError();
    const dek = this.envelope.unwrapDataKey({ wrapped: row.wrappedDek, kekVersion: row.kekVersion }, caseDataKeyContext(c.id));
    return new CaseKeyHandle(c.id, c.agencyId, row.keyVersion, dek);
  }

  /** Runs fn with the case's key and zeroes the key afterwards, whatever happens. */
  async withKey<T>(em: EntityManager, c: { id: string; agencyId: string }, fn: (key: CaseKeyHandle) => Promise<T> | T): Promise<T> {
    const key = await this.openKey(em, c);
    try {
      return await fn(key);
    } finally {
      this.dispose(key);
    }
  }

  /**
   * A fresh data key for the same case under another agency (a transfer). Every ciphertext is
   * bound to the agency, so each must be re-sealed with `reseal`; `replaceKey` then stores the
   * new key in place of the old one, in the same transaction.
   */
  successorKey(old: CaseKeyHandle, agencyId: string): CaseKeyHandle {
    return new CaseKeyHandle(old.caseId, agencyId, old.keyVersion + 1, this.envelope.generateDataKey());
  }

  async replaceKey(em: EntityManager, key: CaseKeyHandle): Promise<void> {
    const wrapped = this.envelope.wrapDataKey(key.dek, caseDataKeyContext(key.caseId));
    const result = await em.update(
      CaseKey,
      { caseId: key.caseId, keyVersion: key.keyVersion - 1 },
      { wrappedDek: wrapped.wrapped, kekVersion: wrapped.kekVersion, keyVersion: key.keyVersion, rewrappedAt: new Date() },
    );
    if (result.affected !== 1) throw new CaseIntegrityError();
  }

  /** Opens a ciphertext under one key and seals the same plaintext under another. */
  reseal(from: CaseKeyHandle, to: CaseKeyHandle, table: CaseTable, column: string, rowId: string, ciphertext: Buffer): Buffer {
    if (!Buffer.isBuffer(ciphertext)) throw new CaseIntegrityError();
    const plain = this.envelope.decryptField(from.dek, ciphertext, this.context(from, table, column, rowId));
    try {
      return this.envelope.encryptField(to.dek, plain, this.context(to, table, column, rowId));
    } finally {
      plain.fill(0);
    }
  }

  dispose(key: CaseKeyHandle): void {
    key.dek.fill(0);
  }

  seal(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string, value: string): Buffer {
    return this.envelope.encryptField(key.dek, value, this.context(key, table, column, rowId));
  }

  sealOptional(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string, value: string | null | undefined): Buffer | null {
    return value === null || value === undefined ? null : this.seal(key, table, column, rowId, value);
  }

  sealJson(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string, value: unknown): Buffer | null {
    return value === null || value === undefined ? null : this.seal(key, table, column, rowId, JSON.stringify(value));
  }

  /** Binary content (attachment chunks); same binding as fields. */
  sealBytes(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string, value: Uint8Array): Buffer {
    return this.envelope.encryptField(key.dek, value, this.context(key, table, column, rowId));
  }

  openBytes(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string, ciphertext: Buffer | null): Buffer {
    if (!Buffer.isBuffer(ciphertext)) throw new CaseIntegrityError();
    return this.envelope.decryptField(key.dek, ciphertext, this.context(key, table, column, rowId));
  }

  open(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string, ciphertext: Buffer | null): string {
    if (!Buffer.isBuffer(ciphertext)) throw new CaseIntegrityError();
    return this.envelope.decryptFieldText(key.dek, ciphertext, this.context(key, table, column, rowId));
  }

  openOptional(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string, ciphertext: Buffer | null): string | null {
    return ciphertext === null ? null : this.open(key, table, column, rowId, ciphertext);
  }

  openJson<T>(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string, ciphertext: Buffer | null, check: (v: unknown) => v is T): T | null {
    if (ciphertext === null) return null;
    let value: unknown;
    try {
      value = JSON.parse(this.open(key, table, column, rowId, ciphertext));
    } catch (e) {
      if (e instanceof SyntaxError) throw new CaseIntegrityError();
      throw e;
    }
    if (!check(value)) throw new CaseIntegrityError();
    return value;
  }

  survivorCodeIndex(code: string): Buffer {
    return this.blindIndex.compute('survivorCode', code, SURVIVOR_CODE_INDEX);
  }

  /** Null when the value holds no digits (nothing to de-duplicate on). */
  phoneIndex(phone: string): Buffer | null {
    try {
      return this.blindIndex.compute('phone', phone, PHONE_INDEX);
    } catch (e) {
      if (e instanceof RangeError) return null;
      throw e;
    }
  }

  /** The blind index key version new indexes are computed under (stored beside them). */
  blindIndexVersion(): number {
    return this.blindIndex.currentVersion();
  }

  /** The survivor code's index under every held blind index version: lookups match any while a re-index runs. */
  survivorCodeIndexes(code: string): Buffer[] {
    return this.blindIndex.computeAll('survivorCode', code, SURVIVOR_CODE_INDEX).map((i) => i.index);
  }

  /** As survivorCodeIndexes; empty when the value holds no digits. */
  phoneIndexes(phone: string): Buffer[] {
    try {
      return this.blindIndex.computeAll('phone', phone, PHONE_INDEX).map((i) => i.index);
    } catch (e) {
      if (e instanceof RangeError) return [];
      throw e;
    }
  }

  private context(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string): FieldContext {
    return { table, column, rowId, agencyId: key.agencyId, keyVersion: key.keyVersion };
  }
}
