import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EnvelopeCrypto, FieldContext, IntegrityError } from '@amani/crypto';
import type { ReferralFieldValues } from '@amani/domain/cases';
import { ReferralKey, ReferralPacketKey } from './referral-keys.entity';

export type ReferralKeyKind = 'packet' | 'record';

const KEY_PURPOSE: Record<ReferralKeyKind, string> = { packet: 'referral_packet', record: 'referral' };

/** What a referral's wrapped key is bound to; a KEK rotation job re-wraps under the same context. */
export function referralKeyContext(referralId: string, kind: ReferralKeyKind): { keyId: string; purpose: string } {
  return { keyId: referralId, purpose: KEY_PURPOSE[kind] };
}

/** An unwrapped referral key, for one operation; dispose() zeroes it. */
export class ReferralKeyHandle {
  constructor(
    readonly referralId: string,
    readonly kind: ReferralKeyKind,
    /** @internal */ readonly dek: Buffer,
  ) {}
}

/**
 * The referrals' gateway to the crypto library. A packet lives under its own data key, bound
 * by its associated data to (referrals, packet, referral id, receiving agency); the record key
 * seals the override reason and provider notes. Keys are stored only wrapped by the KEK.
 */
@Injectable()
export class ReferralVault {
  constructor(private readonly envelope: EnvelopeCrypto) {}

  newKey(referralId: string, kind: ReferralKeyKind): ReferralKeyHandle {
    return new ReferralKeyHandle(referralId, kind, this.envelope.generateDataKey());
  }

  async saveKey(em: EntityManager, key: ReferralKeyHandle, caseId: string): Promise<void> {
    const wrapped = this.envelope.wrapDataKey(key.dek, referralKeyContext(key.referralId, key.kind));
    const row = { referralId: key.referralId, caseId, wrappedDek: wrapped.wrapped, kekVersion: wrapped.kekVersion };
    await em.insert(key.kind === 'packet' ? ReferralPacketKey : ReferralKey, row);
  }

  /** The key, or null when it was destroyed (the packet or the whole case was shredded). */
  async openKey(em: EntityManager, referralId: string, kind: ReferralKeyKind): Promise<ReferralKeyHandle | null> {
    const row = await em.findOne(kind === 'packet' ? ReferralPacketKey : ReferralKey, { where: { referralId } });
    if (!row) return null;
    const dek = this.envelope.unwrapDataKey({ wrapped: row.wrappedDek, kekVersion: row.kekVersion }, referralKeyContext(referralId, kind));
    return new ReferralKeyHandle(referralId, kind, dek);
  }

  dispose(key: ReferralKeyHandle | null): void {
    key?.dek.fill(0);
  }

  sealPacket(key: ReferralKeyHandle, recipientAgencyId: string, fields: ReferralFieldValues): Buffer {
    this.expect(key, 'packet');
    return this.envelope.encryptField(key.dek, JSON.stringify(fields), this.context(key, 'referrals', 'packet', key.referralId, recipientAgencyId));
  }

  openPacket(key: ReferralKeyHandle, recipientAgencyId: string, ciphertext: Buffer): ReferralFieldValues {
    this.expect(key, 'packet');
    const text = this.envelope.decryptFieldText(key.dek, ciphertext, this.context(key, 'referrals', 'packet', key.referralId, recipientAgencyId));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new IntegrityError('malformed');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IntegrityError('malformed');
    return value;
  }

  /** Record-key text: table/column/row/agency name where it lives. */
  seal(key: ReferralKeyHandle, table: 'referrals' | 'referral_notes', column: string, rowId: string, agencyId: string, text: string): Buffer {
    this.expect(key, 'record');
    return this.envelope.encryptField(key.dek, text, this.context(key, table, column, rowId, agencyId));
  }

  open(key: ReferralKeyHandle, table: 'referrals' | 'referral_notes', column: string, rowId: string, agencyId: string, ciphertext: Buffer): string {
    this.expect(key, 'record');
    return this.envelope.decryptFieldText(key.dek, ciphertext, this.context(key, table, column, rowId, agencyId));
  }

  private expect(key: ReferralKeyHandle, kind: ReferralKeyKind): void {
    if (key.kind !== kind) throw new TypeError(`a ${kind} key is required`);
  }

  private context(_key: ReferralKeyHandle, table: string, column: string, rowId: string, agencyId: string): FieldContext {
    return { table, column, rowId, agencyId, keyVersion: 1 };
  }
}
