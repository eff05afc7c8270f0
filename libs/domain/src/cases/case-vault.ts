import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { KeyCustody, Keyring } from '@amani/auth';
import { BlindIndexService, EnvelopeCrypto, FieldContext, IntegrityError } from '@amani/crypto';
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
/** What a sealed case data key is bound to: its case and the key's generation. */
const sealBinding = (caseId: string, keyVersion: number) => ({ purpose: DATA_KEY_PURPOSE, id: caseId, version: keyVersion });
const transferBinding = (caseId: string, keyVersion: number) => ({ purpose: 'case-transfer', id: caseId, version: keyVersion });
const SURVIVOR_CODE_INDEX = { purpose: 'cases.survivor_code' } as const;
const PHONE_INDEX = { purpose: 'cases.phone' } as const;

/**
 * A case_keys row as stored: `wrappedDek` is sealed to the agency key of `agencyKeyVersion`,
 * or (legacy rows, before `keys:migrate-agency`) wrapped by the master key of `kekVersion`.
 */
export interface StoredCaseKey {
  wrappedDek: Buffer;
  kekVersion: number | null;
  agencyKeyVersion: number | null;
  /** The version first sealed to; each newer one up to agencyKeyVersion adds a layer (rotations). */
  agencyKeyBaseVersion: number | null;
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
 * The only gateway between the case store and the crypto library: per-case data keys
 * sealed to the owning agency's key (opened through the signed-in member's Keyring),
 * field encryption bound to (table, column, row id, agency id, key version), and blind
 * indexes. Any authentication failure surfaces as IntegrityError / CaseIntegrityError.
 */
@Injectable()
export class CaseVault {
  constructor(
    private readonly envelope: EnvelopeCrypto,
    private readonly blindIndex: BlindIndexService,
    private readonly keyring: Keyring,
    private readonly custody: KeyCustody,
  ) {}

  /** A fresh data key for a new case; persist it with saveKey once the case row exists. */
  newKey(caseId: string, agencyId: string): CaseKeyHandle {
    return new CaseKeyHandle(caseId, agencyId, 1, this.envelope.generateDataKey());
  }

  /**
   * The key sealed to its agency's current public key, for a caller that writes the
   * case_keys row itself. Needs no secret: anyone may seal to the agency; only members open.
   */
  async sealKey(key: CaseKeyHandle): Promise<StoredCaseKey> {
    const agency = await this.keyring.currentPublicKey(key.agencyId);
    const sealed = this.custody.sealTo(key.dek, sealBinding(key.caseId, key.keyVersion), agency.publicKey);
    return { wrappedDek: sealed, kekVersion: null, agencyKeyVersion: agency.version, agencyKeyBaseVersion: agency.version, keyVersion: key.keyVersion };
  }

  async saveKey(em: EntityManager, key: CaseKeyHandle): Promise<void> {
    await em.insert(CaseKey, { caseId: key.caseId, ...(await this.sealKey(key)) });
  }

  async openKey(em: EntityManager, c: { id: string; agencyId: string }): Promise<CaseKeyHandle> {
    return this.keyFromRow(c, await em.findOne(CaseKey, { where: { caseId: c.id } }));
  }

  /**
   * Opens a key row already read (e.g. joined to its case) through the caller's membership of
   * the case's agency; no row means the case was shredded. A key the caller cannot open
   * answers AgencyKeyLockedProblem (423).
   */
  async keyFromRow(c: { id: string; agencyId: string }, row: StoredCaseKey | null): Promise<CaseKeyHandle> {
    if (!row) throw new CaseShreddedError();
    if (row.agencyKeyVersion !== null) {
      const base = row.agencyKeyBaseVersion ?? row.agencyKeyVersion;
      let dek: Buffer;
      try {
        // Peel the rotation layers, newest first, then open the base seal.
        let sealed = row.wrappedDek;
        for (let v = row.agencyKeyVersion; v > base; v--) {
          sealed = this.custody.openLayer(sealed, DATA_KEY_PURPOSE, c.id, v, await this.keyring.agencyPrivateKey(c.agencyId, v));
        }
        const agency = await this.keyring.agencyPrivateKey(c.agencyId, base);
        dek = this.custody.openSealed(sealed, sealBinding(c.id, row.keyVersion), agency.publicKey, agency.privateKey);
      } catch (e) {
        if (e instanceof IntegrityError) throw new CaseIntegrityError();
        throw e;
      }
      return new CaseKeyHandle(c.id, c.agencyId, row.keyVersion, dek);
    }
    if (row.kekVersion === null) throw new CaseIntegrityError();
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
   * new key, sealed to the new agency's key, in place of the old one, in the same transaction.
   */
  successorKey(old: CaseKeyHandle, agencyId: string): CaseKeyHandle {
    return new CaseKeyHandle(old.caseId, agencyId, old.keyVersion + 1, this.envelope.generateDataKey());
  }

  async replaceKey(em: EntityManager, key: CaseKeyHandle): Promise<void> {
    const sealed = await this.sealKey(key);
    const result = await em.update(
      CaseKey,
      { caseId: key.caseId, keyVersion: key.keyVersion - 1 },
      { ...sealed, rewrappedAt: new Date() },
    );
    if (result.affected !== 1) throw new CaseIntegrityError();
  }

  /**
   * The case key sealed to another agency (a proposed transfer): its members can open it
   * until the transfer is decided and the copy destroyed.
   */
  async sealKeyForTransfer(key: CaseKeyHandle, toAgencyId: string): Promise<{ sealed: Buffer; version: number }> {
    const agency = await this.keyring.currentPublicKey(toAgencyId);
    return { sealed: this.custody.sealTo(key.dek, transferBinding(key.caseId, key.keyVersion), agency.publicKey), version: agency.version };
  }

  /** Opens a transfer's copy of the case key through the caller's membership of the receiving agency. */
  async openTransferKey(
    c: { id: string; agencyId: string },
    t: { toAgencyId: string; sealedCaseKey: Buffer; recipientKeyVersion: number; keyVersion: number },
  ): Promise<CaseKeyHandle> {
    const agency = await this.keyring.agencyPrivateKey(t.toAgencyId, t.recipientKeyVersion);
    try {
      const dek = this.custody.openSealed(t.sealedCaseKey, transferBinding(c.id, t.keyVersion), agency.publicKey, agency.privateKey);
      return new CaseKeyHandle(c.id, c.agencyId, t.keyVersion, dek);
    } catch (e) {
      if (e instanceof IntegrityError) throw new CaseIntegrityError();
      throw e;
    }
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
