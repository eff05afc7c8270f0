import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The master key's versions as the operator moved them: rotated to (`keys:rotate` /
 * `keys:rewrap`), re-wrap finished, retired (`keys:retire`). The keys themselves are never
 * here: only numbers and times. A retired version is never current again: the API and the
 * worker refuse to start with it as MASTER_KEY_CURRENT.
 */
@Entity({ name: 'master_key_versions' })
export class MasterKeyVersion {
  @PrimaryColumn({ type: 'int' })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When no value the server holds was left under another version (the last re-wrap to this one). */
  @Column({ name: 'rewrap_finished_at', type: 'timestamptz', nullable: true })
  rewrapFinishedAt: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
