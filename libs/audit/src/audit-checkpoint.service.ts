import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { encodeCheckpoint } from './audit-hash';
import { AuditSequencer } from './audit-sequencer.service';
import { AuditSigner } from './audit-signer';

export interface AuditCheckpointResult {
  seq: string;
  /** Hex of the head hash that was signed. */
  hash: string;
  /** False when a checkpoint at this seq already existed (the call was a no-op). */
  created: boolean;
}

/**
 * Signs the chain head, so that a later rewrite or truncation of history is detectable
 * even by someone able to recompute every hash.
 */
@Injectable()
export class AuditCheckpointService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sequencer: AuditSequencer,
    private readonly signer: AuditSigner,
  ) {}

  /** Flushes the queue, then signs the head. Idempotent; null while the chain is empty. */
  async checkpoint(): Promise<AuditCheckpointResult | null> {
    await this.sequencer.flush();
    const head = await this.dataSource.query<{ seq: string; hash: Buffer }[]>(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    if (head.length === 0) return null;
    const { seq, hash } = head[0];
    const signature = await this.signer.sign(encodeCheckpoint(seq, hash));
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO audit_checkpoints (seq, hash, public_key, signature, key_version, signed_at)
       VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (seq) DO NOTHING RETURNING seq`,
      [seq, hash, await this.signer.publicKey(), signature, this.signer.currentVersion()],
    );
    return { seq, hash: hash.toString('hex'), created: inserted.length === 1 };
  }
}
