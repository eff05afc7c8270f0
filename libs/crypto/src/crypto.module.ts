import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { AppConfig, InjectConfig } from '@amani/config';
import { BlindIndexService } from './blind-index.service';
import { EnvelopeCrypto } from './envelope.service';
import { ConfigMasterKeyProvider, MASTER_KEY_PROVIDER, MasterKeyProvider } from './key-provider';
import { runCryptoSelfTest } from './self-test';
import { SODIUM, Sodium, sodiumProvider } from './sodium.provider';

/**
 * Crypto for the whole process. Needs AmaniConfigModule (APP_CONFIG). Global modules'
 * init hooks run first, so the self-test fails start-up before other modules use a key.
 */
@Global()
@Module({
  providers: [
    sodiumProvider,
    { provide: MASTER_KEY_PROVIDER, useClass: ConfigMasterKeyProvider },
    EnvelopeCrypto,
    BlindIndexService,
  ],
  exports: [SODIUM, MASTER_KEY_PROVIDER, EnvelopeCrypto, BlindIndexService],
})
export class CryptoModule implements OnModuleInit {
  constructor(
    @Inject(SODIUM) private readonly sodium: Sodium,
    @Inject(MASTER_KEY_PROVIDER) private readonly keys: MasterKeyProvider,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    runCryptoSelfTest(this.sodium, this.keys, this.config);
  }
}
