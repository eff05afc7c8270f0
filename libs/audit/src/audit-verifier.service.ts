import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { encodeCheckpoint, GENESIS_HASH, hashAuditEvent } from './audit-hash';
import { AUDIT_FIELD_COLUMNS, RawAuditFields, toHashable } from './audit-row';
import { AuditSigner } from './audit-signer';

export type AuditBreakReason =
  'hash_mismatch' | 'link_mismatch' | 'gap' | 'missing_tail' | 'bad_checkpoint_signature' | 'checkpoint_mismatch';

export type AuditVerifyResult =
  { ok: true; length: number; head: string } | { ok: false; firstBrokenSeq: number; reason: AuditBreakReason };

interface EventRow extends RawAuditFields {
  seq: string;
  prev_hash: Buffer;
  hash: Buffer;
}

interface CheckpointRow {
  seq: string;
  hash: Buffer;
  public_key: Buffer;
  signature: Buffer;
  key_version: number;
}

const BATCH = 1000;

/**
 * Walks the whole chain in seq order, a batch at a time, recomputing every hash and link,
 * and holds it against the signed checkpoints. Reports the first break.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signer: AuditSigner,
  ) {}

  async verify(): Promise<AuditVerifyResult> {
    // One snapshot for events and checkpoints, so a pass running meanwhile cannot skew it.
    const qr = this.dataSource.createQueryRunner();
    try {
      await qr.startTransaction('REPEATABLE READ');
      await qr.query('SET TRANSACTION READ ONLY');
      const result = await this.walk(qr.manager);
      await qr.commitTransaction();
      return result;
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      throw e;
    } finally {
      await qr.release();
    }
  }

  private async walk(em: EntityManager): Promise<AuditVerifyResult> {
    const checkpoints = this.checkpointCursor(em);
    let checkpoint = await checkpoints.next();

    const checkCheckpoint = async (cp: CheckpointRow, chainHash: Buffer | null): Promise<AuditBreakReason | null> => {
      // The key of the checkpoint's version as the secrets know it (held, or retired with its public key kept).
      const trustedKey = await this.signer.trustedPublicKey(Number(cp.key_version));
      const signed =
        trustedKey !== null &&
        cp.public_key.equals(trustedKey) &&
        (await this.signer.verify(encodeCheckpoint(cp.seq, cp.hash), cp.signature, trustedKey));
      if (!signed) return 'bad_checkpoint_signature';
      if (chainHash === null) return 'missing_tail';
      return chainHash.equals(cp.hash) ? null : 'checkpoint_mismatch';
    };

    let expected = 1n;
    let prevHash = GENESIS_HASH;
    let after = '0';
    for (;;) {
      const rows = await em.query<EventRow[]>(
        `SELECT seq, prev_hash, hash, ${AUDIT_FIELD_COLUMNS}
           FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, BATCH],
      );
      for (const row of rows) {
        const seq = BigInt(row.seq);
        if (seq !== expected) return broken(expected, 'gap');
        if (!row.prev_hash.equals(prevHash)) return broken(seq, 'link_mismatch');
        if (!hashAuditEvent(toHashable(row, seq, row.prev_hash)).equals(row.hash)) {
          return broken(seq, 'hash_mismatch');
        }
        // A checkpoint for a seq the chain skipped shows up as a gap above.
        while (checkpoint && BigInt(checkpoint.seq) <= seq) {
          const reason = await checkCheckpoint(checkpoint, BigInt(checkpoint.seq) === seq ? row.hash : null);
          if (reason) return broken(BigInt(checkpoint.seq), reason);
          checkpoint = await checkpoints.next();
        }
        prevHash = row.hash;
        expected = seq + 1n;
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].seq;
    }

    // Checkpoints beyond the end: a forged one is a bad signature, a genuine one a lost tail.
    while (checkpoint) {
      const reason = await checkCheckpoint(checkpoint, null);
      if (reason === 'bad_checkpoint_signature') return broken(BigInt(checkpoint.seq), reason);
      if (reason) return broken(expected, reason);
      checkpoint = await checkpoints.next();
    }
    return { ok: true, length: Number(expected - 1n), head: prevHash.toString('hex') };
  }

  /** Checkpoints in seq order, fetched a batch at a time. */
  private checkpointCursor(em: EntityManager) {
    let buffer: CheckpointRow[] = [];
    let after = '0';
    let exhausted = false;
    return {
      next: async (): Promise<CheckpointRow | undefined> => {
        if (buffer.length === 0 && !exhausted) {
          buffer = await em.query<CheckpointRow[]>(
            `SELECT seq, hash, public_key, signature, key_version FROM audit_checkpoints
              WHERE seq > $1 ORDER BY seq LIMIT $2`,
            [after, BATCH],
          );
          if (buffer.length < BATCH) exhausted = true;
          if (buffer.length) after = buffer[buffer.length - 1].seq;
        }
        return buffer.shift();
      },
    };
  }
}

function broken(seq: bigint, reason: AuditBreakReason): AuditVerifyResult {
  return { ok: false, firstBrokenSeq: Number(seq), reason };
}
