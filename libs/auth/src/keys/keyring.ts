import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { IntegrityError } from '@amani/crypto';
import { preparedQuery, TransactionHost } from '@amani/database';
import { AgencyKeyLockedProblem, AgencyKeyMissingProblem } from './agency-key-errors';
import { KeyCustody, KeyPair } from './key-custody';

/** The header (API) that carries the client's half of the session's unlock. */
export const UNLOCK_HEADER = 'x-amani-unlock';

interface Personal extends KeyPair {
  userId: string;
}

/**
 * What one request (or one operator run) may open: the session's unlock as presented by the
 * client, and the keys opened with it, cached for the request and wiped when it ends.
 */
class KeyringFrame {
  presented: { sessionId: string; userId: string; token: string; stored?: { sealed: Buffer; publicKey: Buffer } | null } | null = null;
  personal: Personal | null | undefined = undefined;
  /** Operator paths: personal keys opened with their holders' passwords (demo seed, migration CLI, tests). */
  operator: Personal[] = [];
  readonly agencyKeys = new Map<string, Buffer>();

  wipe(): void {
    for (const k of this.agencyKeys.values()) k.fill(0);
    this.agencyKeys.clear();
    this.personal?.privateKey.fill(0);
    this.personal = undefined;
    for (const p of this.operator) p.privateKey.fill(0);
    this.operator = [];
    this.presented = null;
  }
}

const frames = new AsyncLocalStorage<KeyringFrame>();

/** Express middleware: every request runs in a frame of its own, wiped when the response closes. */
export function keyringMiddleware(_req: Request, res: Response, next: NextFunction): void {
  const frame = new KeyringFrame();
  res.once('close', () => frame.wipe());
  frames.run(frame, next);
}

/**
 * The gateway from a signed-in user to the agency keys they hold. A data key sealed to an
 * agency opens only through: the client's unlock token → the session's copy of the user's
 * personal private key → the user's grant of the agency key. No step is possible for the
 * server alone, and removing a grant or ending the session breaks the chain at once.
 */
@Injectable()
export class Keyring {
  constructor(
    private readonly tx: TransactionHost,
    private readonly custody: KeyCustody,
  ) {}

  /** The client's unlock for this request's session (from the header or the console's cookie). */
  present(sessionId: string, userId: string, token: string | undefined, stored?: { sealed: Buffer; publicKey: Buffer } | null): void {
    const frame = frames.getStore();
    if (!frame || !token) return;
    // `stored`: the session's sealed copy, when the caller read it with the session (the API's JWT check does, in its one statement).
    frame.presented = { sessionId, userId, token, stored };
    frame.personal = undefined;
  }

  /**
   * Runs fn with personal keys already opened with their holders' passwords (operator paths:
   * the demo seed, the migration CLI, test fixtures); each agency key opens through whichever
   * of them holds a grant. The keys are wiped afterwards.
   */
  withPersonalKeys<T>(keys: { userId: string; key: KeyPair }[], fn: () => Promise<T>): Promise<T> {
    const frame = new KeyringFrame();
    frame.operator = keys.map(({ userId, key }) => ({ userId, publicKey: Buffer.from(key.publicKey), privateKey: Buffer.from(key.privateKey) }));
    return frames.run(frame, async () => {
      try {
        return await fn();
      } finally {
        frame.wipe();
      }
    });
  }

  /** Whose keys this context can open, if anyone's (without opening them). */
  holderId(): string | null {
    const frame = frames.getStore();
    return frame?.personal?.userId ?? frame?.presented?.userId ?? frame?.operator[0]?.userId ?? null;
  }

  /** The agency's current public key: what new data keys are sealed to. */
  async currentPublicKey(agencyId: string): Promise<{ version: number; publicKey: Buffer }> {
    const rows = await preparedQuery<{ version: number; public_key: Buffer }>(
      this.tx.manager,
      `SELECT version, public_key FROM agency_keys WHERE agency_id = $1 ORDER BY version DESC LIMIT 1`,
      [agencyId],
    );
    if (!rows[0]) throw new AgencyKeyMissingProblem();
    return { version: rows[0].version, publicKey: rows[0].public_key };
  }

  /**
   * The agency's private key of that version, opened through the caller's grant of that
   * version or — after rotations — of a newer one, walking down the chain of previous keys.
   * Cached for the request (do not wipe it: the frame does). AgencyKeyLockedProblem when
   * the chain breaks anywhere.
   */
  async agencyPrivateKey(agencyId: string, version: number): Promise<{ privateKey: Buffer; publicKey: Buffer }> {
    const frame = frames.getStore();
    if (!frame) throw new AgencyKeyLockedProblem();
    const holders = frame.operator.length > 0 ? frame.operator : [await this.personal(frame)];
    // The grant (the lowest version at or above the one asked for) and the keys down the chain,
    // in one prepared statement. Read on every use, so a removal takes effect within a live session.
    const rows = await preparedQuery<{ user_id: string; grant_version: number; sealed_private_key: Buffer; version: number; public_key: Buffer; previous_sealed_key: Buffer | null }>(
      this.tx.manager,
      `WITH g AS (SELECT user_id, version, sealed_private_key FROM agency_key_grants
                   WHERE agency_id = $1 AND version >= $2 AND user_id = ANY($3::uuid[]) ORDER BY version ASC LIMIT 1)
       SELECT g.user_id, g.version AS grant_version, g.sealed_private_key, k.version, k.public_key, k.previous_sealed_key
         FROM g JOIN agency_keys k ON k.agency_id = $1 AND k.version BETWEEN $2 AND g.version`,
      [agencyId, version, holders.map((h) => h.userId)],
    );
    if (rows.length === 0) throw new AgencyKeyLockedProblem();
    const grant = { user_id: rows[0].user_id, version: rows[0].grant_version, sealed_private_key: rows[0].sealed_private_key };
    const byVersion = new Map(rows.map((k) => [k.version, k]));
    const personal = holders.find((h) => h.userId === grant.user_id)!;
    try {
      let current = byVersion.get(grant.version);
      if (!current) throw new AgencyKeyLockedProblem();
      let sk = frame.agencyKeys.get(`${agencyId}:${grant.version}`);
      if (!sk) {
        sk = this.custody.openGroupKey(grant.sealed_private_key, agencyId, grant.version, personal.userId, personal, current.public_key);
        frame.agencyKeys.set(`${agencyId}:${grant.version}`, sk);
      }
      for (let v = grant.version; v > version; v--) {
        const previous = byVersion.get(v - 1);
        if (!current.previous_sealed_key || !previous) throw new AgencyKeyLockedProblem();
        let prevSk = frame.agencyKeys.get(`${agencyId}:${v - 1}`);
        if (!prevSk) {
          prevSk = this.custody.openPrevious(current.previous_sealed_key, agencyId, v, { publicKey: current.public_key, privateKey: sk }, previous.public_key);
          frame.agencyKeys.set(`${agencyId}:${v - 1}`, prevSk);
        }
        current = previous;
        sk = prevSk;
      }
      return { privateKey: sk, publicKey: current.public_key };
    } catch (e) {
      if (e instanceof IntegrityError) throw new AgencyKeyLockedProblem();
      throw e;
    }
  }

  /** The signed-in user's personal key pair for this context (cached; wiped with the frame). */
  async personalKey(): Promise<Personal> {
    const frame = frames.getStore();
    if (!frame) throw new AgencyKeyLockedProblem();
    return this.personal(frame);
  }

  private async personal(frame: KeyringFrame): Promise<Personal> {
    if (frame.personal) return frame.personal;
    const p = frame.presented;
    if (!p) throw new AgencyKeyLockedProblem();
    if (p.stored === null) throw new AgencyKeyLockedProblem();
    const rows = p.stored ? [{ sealed_private_key: p.stored.sealed, public_key: p.stored.publicKey }] : await preparedQuery<{ sealed_private_key: Buffer; public_key: Buffer }>(
      this.tx.manager,
      `SELECT su.sealed_private_key, uk.public_key
         FROM session_unlocks su
         JOIN auth_sessions s ON s.id = su.session_id AND s.revoked_at IS NULL AND s.expires_at > now()
         JOIN user_keys uk ON uk.user_id = su.user_id
        WHERE su.session_id = $1 AND su.user_id = $2`,
      [p.sessionId, p.userId],
    );
    if (!rows[0]) throw new AgencyKeyLockedProblem();
    let sk: Buffer;
    try {
      sk = this.custody.openForSession(rows[0].sealed_private_key, p.token, p.sessionId, p.userId);
    } catch (e) {
      if (e instanceof IntegrityError) throw new AgencyKeyLockedProblem();
      throw e;
    }
    frame.personal = { userId: p.userId, publicKey: rows[0].public_key, privateKey: sk };
    return frame.personal;
  }
}
