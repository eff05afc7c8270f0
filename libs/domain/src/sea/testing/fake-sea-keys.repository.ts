import { randomUUID } from 'node:crypto';
import { SeaCurrentKey, SeaEndorsementRecord, SeaFocalPointRow, SeaKeysRepository, SeaKeyWraps, SeaStoredKey } from '../sea-keys.repository';

interface FakeUser {
  id: string;
  displayName: string;
  email: string;
  passwordHash: string | null;
  active: boolean;
}

/** In-memory key custody for unit tests; grants are kept per (complaint, user). */
export class FakeSeaKeysRepository implements SeaKeysRepository {
  readonly users = new Map<string, FakeUser>();
  readonly keys = new Map<string, SeaStoredKey>();
  readonly sessions = new Map<string, { userId: string; sealedPrivateKey: Buffer; live: boolean }>();
  readonly endorsementRows: SeaEndorsementRecord[] = [];
  readonly grants: { complaintId: string; userId: string; sealedKey: Buffer; grantedBy: string | null; grantedOn: string }[] = [];
  readonly shredded = new Set<string>();
  readonly lockedUsers: string[] = [];

  addUser(over: Partial<FakeUser> = {}): FakeUser {
    const u: FakeUser = { id: randomUUID(), displayName: 'Focal Point', email: 'fp@example.org', passwordHash: null, active: true, ...over };
    this.users.set(u.id, u);
    return u;
  }

  findKey(userId: string): Promise<SeaStoredKey | null> {
    const k = this.keys.get(userId);
    return Promise.resolve(k ? { ...k } : null);
  }

  lockUser(userId: string): Promise<void> {
    this.lockedUsers.push(userId);
    return Promise.resolve();
  }

  dropGrantsAndSessions(userId: string): Promise<number> {
    const before = this.grants.length;
    this.grants.splice(0, this.grants.length, ...this.grants.filter((g) => g.userId !== userId));
    for (const [id, s] of this.sessions) if (s.userId === userId) this.sessions.delete(id);
    return Promise.resolve(before - this.grants.length);
  }

  saveKey(key: SeaStoredKey): Promise<void> {
    this.keys.set(key.userId, { ...key });
    return Promise.resolve();
  }

  updateWraps(userId: string, publicKey: Buffer, wraps: SeaKeyWraps): Promise<boolean> {
    const k = this.keys.get(userId);
    if (!k || !k.publicKey.equals(publicKey)) return Promise.resolve(false);
    Object.assign(k, wraps);
    return Promise.resolve(true);
  }

  setSigningKey(userId: string, publicKey: Buffer, signingPublicKey: Buffer): Promise<void> {
    const k = this.keys.get(userId);
    if (k?.publicKey.equals(publicKey)) k.signingPublicKey = signingPublicKey;
    return Promise.resolve();
  }

  holdForSession(sessionId: string, userId: string, sealedPrivateKey: Buffer): Promise<void> {
    this.sessions.set(sessionId, { userId, sealedPrivateKey, live: true });
    return Promise.resolve();
  }

  sessionKey(sessionId: string, userId: string): Promise<{ sealedPrivateKey: Buffer; publicKey: Buffer } | null> {
    const s = this.sessions.get(sessionId);
    const k = this.keys.get(userId);
    return Promise.resolve(s && s.live && s.userId === userId && k ? { sealedPrivateKey: s.sealedPrivateKey, publicKey: k.publicKey } : null);
  }

  focalPoints(): Promise<SeaFocalPointRow[]> {
    return Promise.resolve(
      [...this.users.values()]
        .filter((u) => u.active)
        .map((u) => ({
          userId: u.id,
          displayName: u.displayName,
          hasKeys: this.keys.has(u.id),
          grantedComplaints: this.grants.filter((g) => g.userId === u.id && !this.shredded.has(g.complaintId)).length,
        })),
    );
  }

  grantsToShare(holderId: string, granteeId: string, complaintId?: string): Promise<{ complaintId: string; sealedKey: Buffer }[]> {
    return Promise.resolve(
      this.grants
        .filter((g) => g.userId === holderId && !this.shredded.has(g.complaintId) && (!complaintId || g.complaintId === complaintId))
        .filter((g) => !this.grants.some((o) => o.complaintId === g.complaintId && o.userId === granteeId))
        .map((g) => ({ complaintId: g.complaintId, sealedKey: g.sealedKey })),
    );
  }

  addGrant(grant: { complaintId: string; userId: string; sealedKey: Buffer; grantedBy: string | null; grantedOn: string }): Promise<void> {
    if (!this.grants.some((g) => g.complaintId === grant.complaintId && g.userId === grant.userId)) this.grants.push(grant);
    return Promise.resolve();
  }

  credentials(userId: string): Promise<{ passwordHash: string | null; email: string; displayName: string } | null> {
    const u = this.users.get(userId);
    return Promise.resolve(u?.active ? { passwordHash: u.passwordHash, email: u.email, displayName: u.displayName } : null);
  }

  endorsements(): Promise<SeaEndorsementRecord[]> {
    return Promise.resolve(this.endorsementRows.map((e) => ({ ...e })));
  }

  currentKeys(): Promise<SeaCurrentKey[]> {
    return Promise.resolve([...this.keys.values()].map((k) => this.current(k)));
  }

  currentKey(userId: string): Promise<SeaCurrentKey | null> {
    const k = this.keys.get(userId);
    return Promise.resolve(k ? this.current(k) : null);
  }

  private current(k: SeaStoredKey): SeaCurrentKey {
    return { userId: k.userId, publicKey: k.publicKey, signingPublicKey: k.signingPublicKey, active: this.users.get(k.userId)?.active ?? false };
  }

  insertEndorsement(e: Omit<SeaEndorsementRecord, 'id'>): Promise<string> {
    const id = randomUUID();
    this.endorsementRows.push({ ...e, id });
    return Promise.resolve(id);
  }
}
