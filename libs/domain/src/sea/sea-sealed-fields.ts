import { Injectable } from '@nestjs/common';
import { EnvelopeCrypto, mapPresentFields, parseSealedObject } from '@amani/crypto';
import { SeaCrypto } from './sea-crypto';
import { SeaIntegrityError } from './sea-errors';

/**
 * Every encrypted column of a SEA complaint's records, once. Content sealed under the
 * complaint key (CK, which only focal points holding a grant and the receipt can open) is
 * bound to (table, column, row id) and no agency; an assistance request's payload lives under
 * its own data key, wrapped by the KEK and bound to the receiving agency, as JSON.
 */
export const SEA_SEALED_FIELDS = {
  sea_complaints: {
    narrative: { column: 'narrative', key: 'complaint', json: false },
    contact: { column: 'contact', key: 'complaint', json: false },
  },
  sea_complaint_messages: {
    body: { column: 'body', key: 'complaint', json: false },
  },
  sea_complaint_notes: {
    body: { column: 'body', key: 'complaint', json: false },
  },
  sea_entity_referrals: {
    interimNote: { column: 'interim_note', key: 'complaint', json: false },
  },
  sea_complaint_victims: {
    description: { column: 'description', key: 'complaint', json: false },
  },
  sea_assistance_requests: {
    payload: { column: 'payload', key: 'request', json: true, agency: 'agencyId' },
  },
} as const satisfies Record<string, Record<string, SeaSealedField>>;

interface SeaSealedField {
  column: string;
  key: 'complaint' | 'request';
  json: boolean;
  /** The row's property naming the agency the ciphertext is bound to (none for complaint content). */
  agency?: string;
}

export type SeaSealedTable = keyof typeof SEA_SEALED_FIELDS;
export type SeaSealedFieldName<T extends SeaSealedTable> = keyof (typeof SEA_SEALED_FIELDS)[T] & string;
export interface SeaKeys {
  complaint?: Uint8Array;
  request?: Uint8Array;
}

/**
 * Attachment content: each chunk sealed under a subkey of CK like the columns above, bound to
 * (table, column, attachment id / position / chunk count) by chunkRowId.
 */
export const SEA_SEALED_CHUNKS = { table: 'sea_complaint_attachment_chunks', column: 'data' } as const;

/** Wrapping purpose of an assistance request's own data key. */
export const SEA_ASSISTANCE_KEY_PURPOSE = 'sea_assistance';

/** Seals and opens SEA rows as SEA_SEALED_FIELDS says; the only code that touches their ciphertext. */
@Injectable()
export class SeaSealer {
  constructor(
    private readonly crypto: SeaCrypto,
    private readonly envelope: EnvelopeCrypto,
  ) {}

  sealRow<T extends SeaSealedTable>(
    table: T,
    keys: SeaKeys,
    row: { id: string },
    plain: Partial<Record<SeaSealedFieldName<T>, string | object | null>>,
  ): Partial<Record<SeaSealedFieldName<T>, Buffer | null>> {
    return mapPresentFields(plain, (field, value) => {
      const spec = fieldOf(table, field);
      const text = spec.json ? JSON.stringify(value) : (value as string);
      const key = keyOf(keys, spec);
      return spec.agency
        ? this.envelope.encryptField(key, text, { table, column: spec.column, rowId: row.id, agencyId: agencyOf(row, spec.agency), keyVersion: 1 })
        : this.crypto.encryptField(key, table, spec.column, row.id, text);
    });
  }

  openRow<T extends SeaSealedTable>(
    table: T,
    keys: SeaKeys,
    row: { id: string },
    sealed: Partial<Record<SeaSealedFieldName<T>, Buffer | null>>,
  ): Partial<Record<SeaSealedFieldName<T>, string | object | null>> {
    return mapPresentFields(sealed, (field, ciphertext): string | object => {
      const spec = fieldOf(table, field);
      const key = keyOf(keys, spec);
      const text = spec.agency
        ? this.envelope.decryptFieldText(key, ciphertext, { table, column: spec.column, rowId: row.id, agencyId: agencyOf(row, spec.agency), keyVersion: 1 })
        : this.crypto.decryptField(key, table, spec.column, row.id, ciphertext);
      return spec.json ? parseSealedObject(text, () => new SeaIntegrityError()) : text;
    });
  }

  /** One chunk of attachment content under CK (SEA_SEALED_CHUNKS); `rowId` from chunkRowId. */
  sealChunk(complaintKey: Uint8Array, rowId: string, piece: Uint8Array): Buffer {
    return this.crypto.encryptField(complaintKey, SEA_SEALED_CHUNKS.table, SEA_SEALED_CHUNKS.column, rowId, piece);
  }

  openChunk(complaintKey: Uint8Array, rowId: string, sealed: Buffer | null): Buffer {
    if (!Buffer.isBuffer(sealed)) throw new SeaIntegrityError();
    return this.crypto.decryptBytes(complaintKey, SEA_SEALED_CHUNKS.table, SEA_SEALED_CHUNKS.column, rowId, sealed);
  }
}

function fieldOf(table: SeaSealedTable, field: string): SeaSealedField {
  const spec = (SEA_SEALED_FIELDS[table] as Record<string, SeaSealedField>)[field];
  if (!spec) throw new TypeError(`${table}.${field} is not a sealed field`);
  return spec;
}

function keyOf(keys: SeaKeys, spec: SeaSealedField): Uint8Array {
  const key = keys[spec.key];
  if (!key) throw new TypeError(`the ${spec.key} key is required`);
  return key;
}

function agencyOf(row: object, prop: string): string {
  const agency = (row as Record<string, unknown>)[prop];
  if (typeof agency !== 'string') throw new TypeError(`the row's ${prop} is required`);
  return agency;
}
