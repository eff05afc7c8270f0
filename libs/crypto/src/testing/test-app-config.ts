import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@amani/config';

export interface TestSecretsOptions {
  masterKeys?: ReadonlyMap<number, Buffer>;
  masterKeyCurrent?: number;
  blindIndexKey?: Buffer;
}

/** An AppConfig holding only random secrets, for unit tests that need no environment. */
export function testAppConfig(options: TestSecretsOptions = {}): AppConfig {
  const masterKeys = options.masterKeys ?? new Map([[1, randomBytes(32)]]);
  return {
    secrets: {
      jwtSecret: randomBytes(32),
      masterKeys,
      masterKeyCurrent: options.masterKeyCurrent ?? Math.max(...masterKeys.keys()),
      blindIndexKey: options.blindIndexKey ?? randomBytes(32),
      auditSigningKey: randomBytes(32),
      trackerKey: randomBytes(32),
      receiptPepper: randomBytes(32),
      passwordPeppers: new Map([[1, randomBytes(32)]]),
      passwordPepperCurrent: 1,
    },
  } as Partial<AppConfig> as AppConfig;
}
