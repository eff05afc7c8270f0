import { randomUUID } from 'node:crypto';
import { EnvelopeCrypto, IntegrityError, loadSodium, StaticMasterKeyProvider } from '@amani/crypto';
import { testAppConfig } from '@amani/testing/test-app-config';
import { ReferralKeyHandle, referralKeyContext, ReferralVault } from './referral-vault';
import { KeyCustody } from '@amani/auth';
import { UnitKeyring } from '@amani/auth/keys/testing/unit-keyring';

describe('ReferralVault', () => {
  let vault: ReferralVault;
  let envelope: EnvelopeCrypto;
  const referralId = randomUUID();
  const recipient = randomUUID();

  beforeAll(async () => {
    const sodium = await loadSodium();
    const config = testAppConfig();
    envelope = new EnvelopeCrypto(sodium, new StaticMasterKeyProvider(config.secrets.masterKeys, config.secrets.masterKeyCurrent));
    vault = new ReferralVault(envelope, new UnitKeyring(sodium), new KeyCustody(sodium, config));
  });

  it('round-trips a packet of exactly the given fields; absent stays absent, null stays null', () => {
    const key = vault.newKey(referralId, 'packet');
    const ct = vault.sealPacket(key, recipient, { survivorName: 'A', address: null });
    expect(ct.toString('latin1')).not.toContain('survivorName');
    const fields = vault.openPacket(key, recipient, ct);
    expect(fields).toEqual({ survivorName: 'A', address: null });
    expect(fields).not.toHaveProperty('narrative');
  });

  it('binds a packet to its referral and receiving agency, and to its own key', () => {
    const key = vault.newKey(referralId, 'packet');
    const ct = vault.sealPacket(key, recipient, { sex: 'female' });
    expect(() => vault.openPacket(key, randomUUID(), ct)).toThrow(IntegrityError);
    expect(() => vault.openPacket(new ReferralKeyHandle(randomUUID(), 'packet', key.dek), recipient, ct)).toThrow(IntegrityError);
    expect(() => vault.openPacket(vault.newKey(referralId, 'packet'), recipient, ct)).toThrow(IntegrityError);
    const flipped = Buffer.from(ct);
    flipped[flipped.length - 1] ^= 1;
    expect(() => vault.openPacket(key, recipient, flipped)).toThrow(IntegrityError);
  });

  it('keeps packet and record keys apart', () => {
    const packet = vault.newKey(referralId, 'packet');
    const record = vault.newKey(referralId, 'record');
    expect(() => vault.seal(packet, 'referral_notes', 'body', randomUUID(), recipient, 'x')).toThrow(TypeError);
    expect(() => vault.sealPacket(record, recipient, {})).toThrow(TypeError);
    const noteId = randomUUID();
    const ct = vault.seal(record, 'referral_notes', 'body', noteId, recipient, 'note');
    expect(vault.open(record, 'referral_notes', 'body', noteId, recipient, ct)).toBe('note');
    expect(() => vault.open(record, 'referrals', 'override_reason', noteId, recipient, ct)).toThrow(IntegrityError);
  });

  it('wraps each kind of key under its own context', () => {
    const key = vault.newKey(referralId, 'packet');
    const wrapped = envelope.wrapDataKey(key.dek, referralKeyContext(referralId, 'packet'));
    expect(() => envelope.unwrapDataKey(wrapped, referralKeyContext(referralId, 'record'))).toThrow(IntegrityError);
    expect(envelope.unwrapDataKey(wrapped, referralKeyContext(referralId, 'packet')).equals(key.dek)).toBe(true);
    vault.dispose(key);
    expect(key.dek.every((b) => b === 0)).toBe(true);
  });
});
