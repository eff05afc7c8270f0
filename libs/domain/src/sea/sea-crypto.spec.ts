import { randomUUID } from 'node:crypto';
import { EnvelopeCrypto, IntegrityError, loadSodium, Sodium } from '@amani/crypto';
import { testAppConfig } from '@amani/testing/test-app-config';
import { formatReceipt, formatRecoveryKey, normaliseReceipt, parseRecoveryKey, RECEIPT_DIGITS, RECEIPT_TAG_BYTES, SeaCrypto } from './sea-crypto';

describe('SeaCrypto', () => {
  let sodium: Sodium;
  let crypto: SeaCrypto;
  const make = (s: Sodium, config = testAppConfig()) => {
    const keys = { currentVersion: () => 1, get: () => config.secrets.masterKeys.get(1)! } as never;
    return new SeaCrypto(s, new EnvelopeCrypto(s, keys), config);
  };

  beforeAll(async () => {
    sodium = await loadSodium();
    crypto = make(sodium);
  });

  describe('receipts', () => {
    it('draws 20 digits and formats them in groups of four', () => {
      const r = crypto.newReceipt();
      expect(r).toMatch(new RegExp(`^[0-9]{${RECEIPT_DIGITS}}$`));
      expect(formatReceipt(r)).toMatch(/^\d{4}(-\d{4}){4}$/);
      expect(normaliseReceipt(formatReceipt(r))).toBe(r);
      expect(normaliseReceipt(` ${r.slice(0, 10)} ${r.slice(10)} `)).toBe(r);
      expect(normaliseReceipt('1234')).toBeNull();
      expect(normaliseReceipt('1234-5678-9012-3456-789a')).toBeNull();
    });

    it('draws receipts without an obvious bias', () => {
      const counts = new Array(10).fill(0);
      for (let i = 0; i < 500; i++) for (const d of crypto.newReceipt()) counts[Number(d)]++;
      for (const c of counts) expect(c).toBeGreaterThan(800); // 10 000 digits, ~1 000 each
    });

    it('derives the same tag, verifier and wrap key for the same receipt, and a short tag', async () => {
      const r = crypto.newReceipt();
      const a = await crypto.deriveReceipt(r);
      const b = await crypto.deriveReceipt(r);
      expect(a.tag).toHaveLength(RECEIPT_TAG_BYTES);
      expect(a.tag.equals(b.tag) && a.verifier.equals(b.verifier) && a.wrapKey.equals(b.wrapKey)).toBe(true);
      expect(a.verifier.equals(a.wrapKey)).toBe(false);
      const other = await crypto.deriveReceipt(crypto.newReceipt());
      expect(other.verifier.equals(a.verifier)).toBe(false);
    });

    it('depends on the pepper: another deployment derives nothing alike', async () => {
      const r = crypto.newReceipt();
      const elsewhere = make(sodium);
      const [a, b] = await Promise.all([crypto.deriveReceipt(r), elsewhere.deriveReceipt(r)]);
      expect(a.verifier.equals(b.verifier)).toBe(false);
      expect(a.wrapKey.equals(b.wrapKey)).toBe(false);
    });

    it('wraps the complaint key under the receipt key, bound to the complaint id', async () => {
      const id = randomUUID();
      const ck = crypto.newComplaintKey();
      const { wrapKey } = await crypto.deriveReceipt(crypto.newReceipt());
      const wrapped = crypto.wrapForReceipt(ck, wrapKey, id);
      expect(crypto.unwrapForReceipt(wrapped, wrapKey, id).equals(ck)).toBe(true);
      expect(() => crypto.unwrapForReceipt(wrapped, wrapKey, randomUUID())).toThrow(IntegrityError);
      const { wrapKey: wrong } = await crypto.deriveReceipt(crypto.newReceipt());
      expect(() => crypto.unwrapForReceipt(wrapped, wrong, id)).toThrow(IntegrityError);
    });
  });

  describe('focal point keys', () => {
    const userId = randomUUID();

    it('opens the private key with the password, and not with another', async () => {
      const kp = crypto.newKeyPair();
      const w = await crypto.wrapWithPassword(kp.privateKey, 'correct horse battery', userId, kp.publicKey);
      expect(w.memoryCost).toBeGreaterThanOrEqual(19456);
      expect(w.timeCost).toBeGreaterThanOrEqual(2);
      expect((await crypto.unwrapWithPassword(w, 'correct horse battery', userId, kp.publicKey)).equals(kp.privateKey)).toBe(true);
      await expect(crypto.unwrapWithPassword(w, 'wrong horse battery', userId, kp.publicKey)).rejects.toThrow(IntegrityError);
      await expect(crypto.unwrapWithPassword(w, 'correct horse battery', randomUUID(), kp.publicKey)).rejects.toThrow(IntegrityError);
      await expect(crypto.unwrapWithPassword({ ...w, memoryCost: 8 }, 'correct horse battery', userId, kp.publicKey)).rejects.toThrow(IntegrityError);
    });

    it('opens the private key with the recovery key as displayed', () => {
      const kp = crypto.newKeyPair();
      const recovery = crypto.newRecoveryKey();
      expect(recovery.display).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/);
      const wrapped = crypto.wrapWithRecovery(kp.privateKey, recovery.bytes, userId, kp.publicKey);
      const parsed = parseRecoveryKey(recovery.display.toLowerCase().replace(/-/g, ' '))!;
      expect(parsed.equals(recovery.bytes)).toBe(true);
      expect(crypto.unwrapWithRecovery(wrapped, parsed, userId, kp.publicKey).equals(kp.privateKey)).toBe(true);
      expect(() => crypto.unwrapWithRecovery(wrapped, crypto.newRecoveryKey().bytes, userId, kp.publicKey)).toThrow(IntegrityError);
      expect(parseRecoveryKey('AAAA-BBBB')).toBeNull();
      expect(formatRecoveryKey(parsed)).toBe(recovery.display);
    });

    it('holds an unlocked key so that neither the stored record nor the token alone opens it', () => {
      const kp = crypto.newKeyPair();
      const sessionId = randomUUID();
      const { token, sealed } = crypto.sealForSession(kp.privateKey, sessionId, userId);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(sealed.includes(kp.privateKey)).toBe(false);
      expect(crypto.openForSession(sealed, token, sessionId, userId).equals(kp.privateKey)).toBe(true);
      expect(() => crypto.openForSession(sealed, crypto.sealForSession(kp.privateKey, sessionId, userId).token, sessionId, userId)).toThrow(IntegrityError);
      expect(() => crypto.openForSession(sealed, token, randomUUID(), userId)).toThrow(IntegrityError);
      expect(() => crypto.openForSession(sealed, 'short', sessionId, userId)).toThrow(IntegrityError);
    });
  });

  describe('complaint keys', () => {
    it('seals to a public key, bound to the complaint id', () => {
      const kp = crypto.newKeyPair();
      const other = crypto.newKeyPair();
      const id = randomUUID();
      const ck = crypto.newComplaintKey();
      const sealed = crypto.sealComplaintKey(ck, id, kp.publicKey);
      expect(crypto.openComplaintKey(sealed, id, kp.publicKey, kp.privateKey).equals(ck)).toBe(true);
      expect(() => crypto.openComplaintKey(sealed, randomUUID(), kp.publicKey, kp.privateKey)).toThrow(IntegrityError);
      expect(() => crypto.openComplaintKey(sealed, id, other.publicKey, other.privateKey)).toThrow(IntegrityError);
    });

    it('encrypts fields bound to table, column and row', () => {
      const ck = crypto.newComplaintKey();
      const id = randomUUID();
      const c = crypto.encryptField(ck, 'sea_complaints', 'narrative', id, 'نص سري');
      expect(crypto.decryptField(ck, 'sea_complaints', 'narrative', id, c)).toBe('نص سري');
      expect(() => crypto.decryptField(ck, 'sea_complaints', 'contact', id, c)).toThrow(IntegrityError);
      expect(() => crypto.decryptField(ck, 'sea_complaints', 'narrative', randomUUID(), c)).toThrow(IntegrityError);
      expect(() => crypto.decryptField(crypto.newComplaintKey(), 'sea_complaints', 'narrative', id, c)).toThrow(IntegrityError);
    });
  });
});
