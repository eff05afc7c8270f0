import { randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import type { AppConfig } from '@amani/config';
import { AuditSigner } from './audit-signer';

const config = (secrets: Partial<AppConfig['secrets']>) => ({ secrets } as AppConfig);

describe('AuditSigner key history', () => {
  const s1 = randomBytes(32);
  const s2 = randomBytes(32);
  const s3 = randomBytes(32);
  const message = Buffer.from('checkpoint');

  it('signs with the current version and trusts every held version and every kept public key', async () => {
    await sodium.ready;
    const retiredPublic = Buffer.from(sodium.crypto_sign_seed_keypair(new Uint8Array(s2)).publicKey);
    const signer = new AuditSigner(
      config({ auditSigningKey: s1, auditSigningKeys: new Map([[1, s1], [3, s3]]), auditSigningKeyCurrent: 3, auditPublicKeys: new Map([[2, retiredPublic]]) }),
    );
    expect(signer.currentVersion()).toBe(3);
    const signature = await signer.sign(message);
    const pub3 = await signer.trustedPublicKey(3);
    expect(pub3?.equals(await signer.publicKey())).toBe(true);
    expect(await signer.verify(message, signature, pub3!)).toBe(true);
    expect(await signer.verify(message, signature, (await signer.trustedPublicKey(1))!)).toBe(false);
    expect((await signer.trustedPublicKey(2))?.equals(retiredPublic)).toBe(true);
    expect(await signer.trustedPublicKey(4)).toBeNull();

    // A checkpoint the retired version 2 signed verifies with the kept public key only.
    const old = new AuditSigner(config({ auditSigningKey: s1, auditSigningKeys: new Map([[1, s1], [2, s2]]), auditSigningKeyCurrent: 2 }));
    expect(await signer.verify(message, await old.sign(message), retiredPublic)).toBe(true);
  });

  it('a config from before versioning signs as version 1', async () => {
    const signer = new AuditSigner(config({ auditSigningKey: s1 }));
    expect(signer.currentVersion()).toBe(1);
    expect((await signer.trustedPublicKey(1))?.equals(await signer.publicKey())).toBe(true);
  });
});
