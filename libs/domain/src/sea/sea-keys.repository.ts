import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { SeaComplaintGrant } from './sea-complaint-grant.entity';
import { SeaFocalPointKey } from './sea-focal-point-key.entity';
import { SeaKeyEndorsement } from './sea-key-endorsement.entity';
import { SeaSessionKey } from './sea-session-key.entity';

/**
 * A focal point's stored key: the public halves and the private key wrapped twice (password,
 * recovery key). Nothing here is a field sealed under a data key: wrapping and unwrapping are
 * SeaCrypto's, with the user id and public key as associated data.
 */
export type SeaStoredKey = Omit<SeaFocalPointKey, 'user' | 'createdAt' | 'updatedAt'>;
export type SeaKeyWraps = Pick<SeaFocalPointKey, 'passwordSalt' | 'passwordWrappedKey' | 'kdfMemory' | 'kdfIterations' | 'recoveryWrappedKey'>;

/** A focal point's current key, with whether the account may hold one now. */
export interface SeaCurrentKey {
  userId: string;
  publicKey: Buffer;
  signingPublicKey: Buffer | null;
  active: boolean;
}

export type SeaEndorsementRecord = Pick<SeaKeyEndorsement, 'id' | 'userId' | 'publicKey' | 'signingPublicKey' | 'endorserId' | 'parentId' | 'signature'>;

export interface SeaFocalPointRow {
  userId: string;
  displayName: string;
  hasKeys: boolean;
  grantedComplaints: number;
}

/**
 * Focal point key custody: keys, session copies, endorsements, and the complaint grants a
 * holder re-seals to a colleague. Runs on the transaction open in the caller's context.
 */
export abstract class SeaKeysRepository {
  abstract findKey(userId: string): Promise<SeaStoredKey | null>;
  /** Serialises key changes of one user (row lock on the user). */
  abstract lockUser(userId: string): Promise<void>;
  /** Drops the user's grants and session copies (a replaced key opens none of them); how many grants went. */
  abstract dropGrantsAndSessions(userId: string): Promise<number>;
  abstract saveKey(key: SeaStoredKey): Promise<void>;
  /** Re-wraps the key with this public key; false when it was replaced meanwhile. */
  abstract updateWraps(userId: string, publicKey: Buffer, wraps: SeaKeyWraps): Promise<boolean>;
  abstract setSigningKey(userId: string, publicKey: Buffer, signingPublicKey: Buffer): Promise<void>;
  abstract holdForSession(sessionId: string, userId: string, sealedPrivateKey: Buffer): Promise<void>;
  /** The session's sealed copy and the user's public key, for a live session only. */
  abstract sessionKey(sessionId: string, userId: string): Promise<{ sealedPrivateKey: Buffer; publicKey: Buffer } | null>;
  /** Every active focal point, whether they have a key, and how many live complaints they can open. */
  abstract focalPoints(): Promise<SeaFocalPointRow[]>;
  /** The grants the holder has that the grantee lacks (of live complaints; only one complaint's when given). */
  abstract grantsToShare(holderId: string, granteeId: string, complaintId?: string): Promise<{ complaintId: string; sealedKey: Buffer }[]>;
  /** Adds a grant unless the grantee already has one. */
  abstract addGrant(grant: { complaintId: string; userId: string; sealedKey: Buffer; grantedBy: string | null; grantedOn: string }): Promise<void>;
  /** The account's password hash and the names the passphrase policy checks against; null when not active. */
  abstract credentials(userId: string): Promise<{ passwordHash: string | null; email: string; displayName: string } | null>;

  abstract endorsements(): Promise<SeaEndorsementRecord[]>;
  abstract currentKeys(): Promise<SeaCurrentKey[]>;
  abstract currentKey(userId: string, lock?: boolean): Promise<SeaCurrentKey | null>;
  /** The new endorsement's id. */
  abstract insertEndorsement(e: Omit<SeaEndorsementRecord, 'id'>): Promise<string>;
}

const CURRENT_KEY_SQL = `SELECT f.user_id, f.public_key, f.signing_public_key,
        (u.role = 'psea_focal_point' AND u.status = 'active' AND u.disabled_at IS NULL) AS active
   FROM sea_focal_point_keys f JOIN users u ON u.id = f.user_id`;

interface CurrentKeyRow {
  user_id: string;
  public_key: Buffer;
  signing_public_key: Buffer | null;
  active: boolean;
}

const toCurrent = (r: CurrentKeyRow): SeaCurrentKey => ({ userId: r.user_id, publicKey: r.public_key, signingPublicKey: r.signing_public_key, active: r.active });

@Injectable()
export class TypeOrmSeaKeysRepository extends SeaKeysRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  findKey(userId: string): Promise<SeaFocalPointKey | null> {
    return this.em.findOneBy(SeaFocalPointKey, { userId });
  }

  async lockUser(userId: string): Promise<void> {
    await this.em.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
  }

  async dropGrantsAndSessions(userId: string): Promise<number> {
    const dropped = (await this.em.delete(SeaComplaintGrant, { userId })).affected ?? 0;
    await this.em.delete(SeaSessionKey, { userId });
    return dropped;
  }

  async saveKey(key: SeaStoredKey): Promise<void> {
    await this.em.save(this.em.create(SeaFocalPointKey, key));
  }

  async updateWraps(userId: string, publicKey: Buffer, wraps: SeaKeyWraps): Promise<boolean> {
    return (await this.em.update(SeaFocalPointKey, { userId, publicKey }, wraps)).affected === 1;
  }

  async setSigningKey(userId: string, publicKey: Buffer, signingPublicKey: Buffer): Promise<void> {
    await this.em.update(SeaFocalPointKey, { userId, publicKey }, { signingPublicKey });
  }

  async holdForSession(sessionId: string, userId: string, sealedPrivateKey: Buffer): Promise<void> {
    await this.em.upsert(SeaSessionKey, { sessionId, userId, sealedPrivateKey }, ['sessionId']);
  }

  async sessionKey(sessionId: string, userId: string): Promise<{ sealedPrivateKey: Buffer; publicKey: Buffer } | null> {
    const rows: { sealed_private_key: Buffer; public_key: Buffer }[] = await this.em.query(
      `SELECT k.sealed_private_key, f.public_key
         FROM sea_session_keys k
         JOIN auth_sessions s ON s.id = k.session_id AND s.revoked_at IS NULL AND s.expires_at > now()
         JOIN sea_focal_point_keys f ON f.user_id = k.user_id
        WHERE k.session_id = $1 AND k.user_id = $2`,
      [sessionId, userId],
    );
    return rows[0] ? { sealedPrivateKey: rows[0].sealed_private_key, publicKey: rows[0].public_key } : null;
  }

  async focalPoints(): Promise<SeaFocalPointRow[]> {
    const rows: { id: string; display_name: string; has_keys: boolean; granted: string }[] = await this.em.query(
      `SELECT u.id, u.display_name, f.user_id IS NOT NULL AS has_keys,
              (SELECT count(*) FROM sea_complaint_grants g JOIN sea_complaints c ON c.id = g.complaint_id
                WHERE g.user_id = u.id AND c.shredded_on IS NULL) AS granted
         FROM users u LEFT JOIN sea_focal_point_keys f ON f.user_id = u.id
        WHERE u.role = 'psea_focal_point' AND u.disabled_at IS NULL AND u.status = 'active'
        ORDER BY u.display_name, u.id`,
    );
    return rows.map((r) => ({ userId: r.id, displayName: r.display_name, hasKeys: r.has_keys, grantedComplaints: Number(r.granted) }));
  }

  async grantsToShare(holderId: string, granteeId: string, complaintId?: string): Promise<{ complaintId: string; sealedKey: Buffer }[]> {
    const params: unknown[] = [holderId, granteeId];
    let only = '';
    if (complaintId) {
      params.push(complaintId);
      only = 'AND g.complaint_id = $3';
    }
    const rows: { complaint_id: string; sealed_key: Buffer }[] = await this.em.query(
      `SELECT g.complaint_id, g.sealed_key FROM sea_complaint_grants g
         JOIN sea_complaints c ON c.id = g.complaint_id AND c.shredded_on IS NULL
        WHERE g.user_id = $1 ${only}
          AND NOT EXISTS (SELECT 1 FROM sea_complaint_grants o WHERE o.complaint_id = g.complaint_id AND o.user_id = $2)`,
      params,
    );
    return rows.map((r) => ({ complaintId: r.complaint_id, sealedKey: r.sealed_key }));
  }

  async addGrant(grant: { complaintId: string; userId: string; sealedKey: Buffer; grantedBy: string | null; grantedOn: string }): Promise<void> {
    await this.em.createQueryBuilder().insert().into(SeaComplaintGrant).values(grant).orIgnore().execute();
  }

  async credentials(userId: string): Promise<{ passwordHash: string | null; email: string; displayName: string } | null> {
    const rows: { password_hash: string | null; email: string; display_name: string }[] = await this.em.query(
      `SELECT password_hash, email, display_name FROM users WHERE id = $1 AND disabled_at IS NULL AND status = 'active'`,
      [userId],
    );
    return rows[0] ? { passwordHash: rows[0].password_hash, email: rows[0].email, displayName: rows[0].display_name } : null;
  }

  async endorsements(): Promise<SeaEndorsementRecord[]> {
    const rows: { id: string; user_id: string; public_key: Buffer; signing_public_key: Buffer; endorser_id: string | null; parent_id: string | null; signature: Buffer }[] =
      await this.em.query(`SELECT id, user_id, public_key, signing_public_key, endorser_id, parent_id, signature FROM sea_key_endorsements ORDER BY created_at, id`);
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      publicKey: r.public_key,
      signingPublicKey: r.signing_public_key,
      endorserId: r.endorser_id,
      parentId: r.parent_id,
      signature: r.signature,
    }));
  }

  async currentKeys(): Promise<SeaCurrentKey[]> {
    return (await this.em.query<CurrentKeyRow[]>(CURRENT_KEY_SQL)).map(toCurrent);
  }

  async currentKey(userId: string, lock = false): Promise<SeaCurrentKey | null> {
    const rows: CurrentKeyRow[] = await this.em.query(`${CURRENT_KEY_SQL} WHERE f.user_id = $1${lock ? ' FOR UPDATE OF f' : ''}`, [userId]);
    return rows[0] ? toCurrent(rows[0]) : null;
  }

  async insertEndorsement(e: Omit<SeaEndorsementRecord, 'id'>): Promise<string> {
    const inserted = await this.em.insert(SeaKeyEndorsement, e);
    return String(inserted.identifiers[0]?.id ?? '');
  }
}
