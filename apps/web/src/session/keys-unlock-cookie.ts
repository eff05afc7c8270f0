import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '@amani/config';
import { SODIUM, Sodium } from '@amani/crypto';
import { UnlockCookie } from './unlock-cookie';

/**
 * The client's half of a staff member's session unlock (`sessionSecrets.keys`: the key that
 * opens their personal key, and through it their agency's key), sealed in an HttpOnly cookie.
 */
export const KEYS_UNLOCK_COOKIE = '__Host-amani-keys';

@Injectable()
export class KeysUnlockCookie extends UnlockCookie {
  constructor(@Inject(SODIUM) sodium: Sodium, @InjectConfig() config: AppConfig) {
    super(sodium, config, KEYS_UNLOCK_COOKIE, 'keys-unlock-cookie');
  }
}
