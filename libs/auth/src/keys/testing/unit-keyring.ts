import type { Sodium } from '@amani/crypto';
import { AgencyKeyLockedProblem } from '../agency-key-errors';
import type { KeyPair } from '../key-custody';
import { Keyring } from '../keyring';

/**
 * Unit tests' keyring: one real X25519 pair per agency, created on first use, every agency
 * unlocked unless `lock(agencyId)` says otherwise. The vaults' sealing is real.
 */
export class UnitKeyring extends Keyring {
  private readonly pairs = new Map<string, KeyPair>();
  private readonly locked = new Set<string>();

  constructor(private readonly sodium: Sodium) {
    super(undefined as never, undefined as never);
  }

  lock(agencyId: string): void {
    this.locked.add(agencyId);
  }

  override currentPublicKey(agencyId: string): Promise<{ version: number; publicKey: Buffer }> {
    return Promise.resolve({ version: 1, publicKey: this.pair(agencyId).publicKey });
  }

  override agencyPrivateKey(agencyId: string, _version: number): Promise<{ privateKey: Buffer; publicKey: Buffer }> {
    if (this.locked.has(agencyId)) return Promise.reject(new AgencyKeyLockedProblem());
    const { privateKey, publicKey } = this.pair(agencyId);
    return Promise.resolve({ privateKey: Buffer.from(privateKey), publicKey });
  }

  private pair(agencyId: string): KeyPair {
    let pair = this.pairs.get(agencyId);
    if (!pair) {
      const kp = this.sodium.crypto_box_keypair();
      pair = { publicKey: Buffer.from(kp.publicKey), privateKey: Buffer.from(kp.privateKey) };
      this.pairs.set(agencyId, pair);
    }
    return pair;
  }
}
