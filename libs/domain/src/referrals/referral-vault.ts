import { Injectable } from '@nestjs/common';
import { AgencyKeyLockedProblem, KeyCustody, Keyring } from '@amani/auth';
import { EnvelopeCrypto, FieldContext, IntegrityError, mapPresentFields, parseSealedObject } from '@amani/crypto';
import type { ReferralFieldValues } from '@amani/domain/cases';

export type ReferralKeyKind = 'packet' | 'record';

const KEY_PURPOSE: Record<ReferralKeyKind, string> = { packet: 'referral_packet', record: 'referral' };
/** What each referral key is bound to (and its rotation layers). */
export const REFERRAL_KEY_PURPOSE: Readonly<Record<ReferralKeyKind, string>> = KEY_PURPOSE;

/** What a referral's wrapped key is bound to; a KEK rotation job re-wraps under the same context. */
export function referralKeyContext(referralId: string, kind: ReferralKeyKind): { keyId: string; purpose: string } {
  return { keyId: referralId, purpose: KEY_PURPOSE[kind] };
}

/** A referral key row as stored: sealed to both agencies' keys, or (legacy) wrapped by the master key. */
export interface StoredReferralKey {
  wrappedDek: Buffer | null;
  kekVersion: number | null;
  recipientSealedDek: Buffer | null;
  recipientKeyVersion: number | null;
  recipientBaseVersion: number | null;
  referrerSealedDek: Buffer | null;
  referrerKeyVersion: number | null;
  referrerBaseVersion: number | null;
}

/** The two agencies a referral's keys are sealed to. */
export interface ReferralParties {
  id: string;
  referringAgencyId: string;
  recipientAgencyId: string;
}

/**
 * Every encrypted column of the referral aggregate, once: which of the referral's two keys
 * seals it, the agency its ciphertext is bound to, and whether it holds JSON. Each ciphertext
 * is bound to (table, column, row id, agency, key version 1). The repository seals rows on
 * insert and opens them on read through this map only.
 */
export const REFERRAL_SEALED_FIELDS = {
  referrals: {
    overrideReason: { column: 'override_reason', key: 'record', agency: 'referringAgencyId', json: false },
    packet: { column: 'packet', key: 'packet', agency: 'recipientAgencyId', json: true },
  },
  referral_notes: {
    body: { column: 'body', key: 'record', agency: 'authorAgencyId', json: false },
  },
} as const satisfies Record<string, Record<string, SealedField>>;

interface SealedField {
  column: string;
  key: ReferralKeyKind;
  /** The row's property holding the agency the ciphertext is bound to. */
  agency: string;
  json: boolean;
}

export type ReferralSealedTable = keyof typeof REFERRAL_SEALED_FIELDS;
export type ReferralSealedField<T extends ReferralSealedTable> = keyof (typeof REFERRAL_SEALED_FIELDS)[T] & string;
/** The properties a row must carry to seal or open its fields: its id and its binding agencies. */
type Binding<T extends ReferralSealedTable> = { id: string } & Record<
  { [F in ReferralSealedField<T>]: (typeof REFERRAL_SEALED_FIELDS)[T][F] extends { agency: infer A extends string } ? A : never }[ReferralSealedField<T>],
  string
>;
export type ReferralKeys = Partial<Record<ReferralKeyKind, ReferralKeyHandle | null>>;

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
 * seals the override reason and provider notes. Both keys are sealed to the receiving and
 * the referring agency's keys at the referring member's request: only a signed-in member of
 * either agency opens them, never the server alone, nor a third agency.
 */
@Injectable()
export class ReferralVault {
  constructor(
    private readonly envelope: EnvelopeCrypto,
    private readonly keyring: Keyring,
    private readonly custody: KeyCustody,
  ) {}

  /** The key sealed to both agencies' current public keys (needs no secret of either). */
  async sealForAgencies(key: ReferralKeyHandle, parties: ReferralParties): Promise<StoredReferralKey> {
    const recipient = await this.keyring.currentPublicKey(parties.recipientAgencyId);
    const referrer = await this.keyring.currentPublicKey(parties.referringAgencyId);
    const binding = sealBinding(key.referralId, key.kind);
    return {
      wrappedDek: null,
      kekVersion: null,
      recipientSealedDek: this.custody.sealTo(key.dek, binding, recipient.publicKey),
      recipientKeyVersion: recipient.version,
      recipientBaseVersion: recipient.version,
      referrerSealedDek: this.custody.sealTo(key.dek, binding, referrer.publicKey),
      referrerKeyVersion: referrer.version,
      referrerBaseVersion: referrer.version,
    };
  }

  /**
   * Opens a stored key through the caller's membership of either agency (the receiving side
   * first); AgencyKeyLockedProblem when the caller holds neither.
   */
  async openStored(parties: ReferralParties, kind: ReferralKeyKind, row: StoredReferralKey): Promise<ReferralKeyHandle> {
    if (row.wrappedDek !== null && row.kekVersion !== null) return this.unwrap(parties.id, kind, { wrappedDek: row.wrappedDek, kekVersion: row.kekVersion });
    const sides: [string, Buffer | null, number | null, number | null][] = [
      [parties.recipientAgencyId, row.recipientSealedDek, row.recipientKeyVersion, row.recipientBaseVersion],
      [parties.referringAgencyId, row.referrerSealedDek, row.referrerKeyVersion, row.referrerBaseVersion],
    ];
    for (const [agencyId, sealedOuter, version, baseVersion] of sides) {
      if (!sealedOuter || version === null) continue;
      const base = baseVersion ?? version;
      let sealed = sealedOuter;
      let agency: { privateKey: Buffer; publicKey: Buffer };
      try {
        // Rotation layers first (newest outside), then the base seal.
        for (let v = version; v > base; v--) {
          sealed = this.custody.openLayer(sealed, KEY_PURPOSE[kind], parties.id, v, await this.keyring.agencyPrivateKey(agencyId, v));
        }
        agency = await this.keyring.agencyPrivateKey(agencyId, base);
      } catch (e) {
        if (e instanceof AgencyKeyLockedProblem) continue;
        throw e;
      }
      return new ReferralKeyHandle(parties.id, kind, this.custody.openSealed(sealed, sealBinding(parties.id, kind), agency.publicKey, agency.privateKey));
    }
    throw new AgencyKeyLockedProblem();
  }

  newKey(referralId: string, kind: ReferralKeyKind): ReferralKeyHandle {
    return new ReferralKeyHandle(referralId, kind, this.envelope.generateDataKey());
  }

  /** The key wrapped by the KEK under its context, to store. */
  wrap(key: ReferralKeyHandle): { wrappedDek: Buffer; kekVersion: number } {
    const wrapped = this.envelope.wrapDataKey(key.dek, referralKeyContext(key.referralId, key.kind));
    return { wrappedDek: wrapped.wrapped, kekVersion: wrapped.kekVersion };
  }

  /** A stored wrapped key, unwrapped for one operation. */
  unwrap(referralId: string, kind: ReferralKeyKind, stored: { wrappedDek: Buffer; kekVersion: number }): ReferralKeyHandle {
    const dek = this.envelope.unwrapDataKey({ wrapped: stored.wrappedDek, kekVersion: stored.kekVersion }, referralKeyContext(referralId, kind));
    return new ReferralKeyHandle(referralId, kind, dek);
  }

  dispose(key: ReferralKeyHandle | null): void {
    key?.dek.fill(0);
  }

  /**
   * Seals the given plaintext fields of a row of `table` as the map says: each under its key,
   * bound to its column, the row id and its agency. Null stays null; an absent field stays absent.
   */
  sealRow<T extends ReferralSealedTable>(
    table: T,
    keys: ReferralKeys,
    row: Binding<T>,
    plain: Partial<Record<ReferralSealedField<T>, string | object | null>>,
  ): Partial<Record<ReferralSealedField<T>, Buffer | null>> {
    return mapPresentFields(plain, (field, value) => {
      const spec = sealedField(table, field);
      const key = this.keyFor(keys, spec.key);
      const text = spec.json ? JSON.stringify(value) : (value as string);
      return this.envelope.encryptField(key.dek, text, this.context(key, table, spec.column, row.id, agencyOf(row, spec)));
    });
  }

  /** Opens the given ciphertext fields of a row of `table` (the inverse of sealRow). */
  openRow<T extends ReferralSealedTable>(
    table: T,
    keys: ReferralKeys,
    row: Binding<T>,
    sealed: Partial<Record<ReferralSealedField<T>, Buffer | null>>,
  ): Partial<Record<ReferralSealedField<T>, string | object | null>> {
    return mapPresentFields(sealed, (field, ciphertext): string | object => {
      const spec = sealedField(table, field);
      const key = this.keyFor(keys, spec.key);
      const text = this.envelope.decryptFieldText(key.dek, ciphertext, this.context(key, table, spec.column, row.id, agencyOf(row, spec)));
      return spec.json ? parseSealedObject(text, () => new IntegrityError('malformed')) : text;
    });
  }

  sealPacket(key: ReferralKeyHandle, recipientAgencyId: string, fields: ReferralFieldValues): Buffer {
    return this.sealRow('referrals', { packet: key }, { id: key.referralId, referringAgencyId: '', recipientAgencyId }, { packet: fields }).packet!;
  }

  openPacket(key: ReferralKeyHandle, recipientAgencyId: string, ciphertext: Buffer): ReferralFieldValues {
    return this.openRow('referrals', { packet: key }, { id: key.referralId, referringAgencyId: '', recipientAgencyId }, { packet: ciphertext }).packet as ReferralFieldValues;
  }

  /** Record-key text of one column named in the map. */
  seal(key: ReferralKeyHandle, table: ReferralSealedTable, column: string, rowId: string, agencyId: string, text: string): Buffer {
    this.expect(key, 'record');
    return this.envelope.encryptField(key.dek, text, this.context(key, table, column, rowId, agencyId));
  }

  open(key: ReferralKeyHandle, table: ReferralSealedTable, column: string, rowId: string, agencyId: string, ciphertext: Buffer): string {
    this.expect(key, 'record');
    return this.envelope.decryptFieldText(key.dek, ciphertext, this.context(key, table, column, rowId, agencyId));
  }

  private keyFor(keys: ReferralKeys, kind: ReferralKeyKind): ReferralKeyHandle {
    const key = keys[kind];
    if (!key) throw new TypeError(`a ${kind} key is required`);
    this.expect(key, kind);
    return key;
  }

  private expect(key: ReferralKeyHandle, kind: ReferralKeyKind): void {
    if (key.kind !== kind) throw new TypeError(`a ${kind} key is required`);
  }

  private context(_key: ReferralKeyHandle, table: string, column: string, rowId: string, agencyId: string): FieldContext {
    return { table, column, rowId, agencyId, keyVersion: 1 };
  }
}

const sealBinding = (referralId: string, kind: ReferralKeyKind) => ({ purpose: KEY_PURPOSE[kind], id: referralId, version: 1 });

function sealedField(table: ReferralSealedTable, field: string): SealedField {
  const spec = (REFERRAL_SEALED_FIELDS[table] as Record<string, SealedField>)[field];
  if (!spec) throw new TypeError(`${table}.${field} is not a sealed field`);
  return spec;
}

function agencyOf(row: object, spec: SealedField): string {
  const agency = (row as Record<string, unknown>)[spec.agency];
  if (typeof agency !== 'string') throw new TypeError(`the row's ${spec.agency} is required`);
  return agency;
}
