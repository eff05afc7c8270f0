import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { AmaniConfigModule, AppConfig } from '@amani/config';
import { BlindIndexService } from './blind-index.service';
import { CryptoSelfTestError } from './crypto-error';
import { CryptoModule } from './crypto.module';
import { EnvelopeCrypto } from './envelope.service';
import { ConfigMasterKeyProvider, MASTER_KEY_PROVIDER } from './key-provider';
import { SODIUM } from './sodium.provider';
import { testAppConfig } from '@amani/testing/test-app-config';

async function boot(config: AppConfig) {
  const moduleRef = await Test.createTestingModule({
    imports: [AmaniConfigModule.forRoot(config), CryptoModule],
  }).compile();
  return moduleRef;
}

describe('CryptoModule', () => {
  it('provides ready crypto once initialised', async () => {
    const moduleRef = await boot(testAppConfig());
    await moduleRef.init();
    expect(moduleRef.get(MASTER_KEY_PROVIDER)).toBeInstanceOf(ConfigMasterKeyProvider);
    expect(typeof moduleRef.get(SODIUM).crypto_kdf_derive_from_key).toBe('function');
    const envelope = moduleRef.get(EnvelopeCrypto);
    const dek = envelope.generateDataKey();
    const ctx = { table: 'cases', column: 'name', rowId: 'r1', agencyId: 'a1', keyVersion: 1 };
    expect(envelope.decryptFieldText(dek, envelope.encryptField(dek, 'Amina', ctx), ctx)).toBe('Amina');
    expect(moduleRef.get(BlindIndexService).compute('phone', '+254712345678').length).toBe(8);
    await moduleRef.close();
  });

  it('refuses to start when the self-test fails', async () => {
    const moduleRef = await boot(testAppConfig({ masterKeys: new Map([[1, randomBytes(32)]]), masterKeyCurrent: 3 }));
    await expect(moduleRef.init()).rejects.toThrow(CryptoSelfTestError);
    await expect(moduleRef.init()).rejects.toThrow(/current master key version 3 is missing/);
  });
});
