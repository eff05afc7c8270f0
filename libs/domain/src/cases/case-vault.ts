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
  | 'case_attachment_chunks';

const DATA_KEY_PURPOSE = 'case';

/** What a case's wrapped data key is bound to; the KEK rotation job re-wraps under the same context. */
export function caseDataKeyContext(caseId: string): { keyId: string; purpose: string } {
  return { keyId: caseId, purpose: DATA_KEY_PURPOSE };
}
const SURVIVOR_CODE_INDEX = { purpose: 'cases.survivor_code' } as const;
const PHONE_INDEX = { purpose: 'cases.phone' } as const;

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
    const row = await em.findOne(CaseKey, { where: { caseId: c.id } });
    if (!row) throw new CaseShreddedError();
    const dek = this.envelope.unwrapDataKey(
      { wrapped: row.wrappedDek, kekVersion: row.kekVersion },
      caseDataKeyContext(c.id),
    );
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

  private context(key: CaseKeyHandle, table: CaseTable, column: string, rowId: string): FieldContext {
    return { table, column, rowId, agencyId: key.agencyId, keyVersion: key.keyVersion };
  }
}
