import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '@amani/config';
import { SODIUM, Sodium } from '@amani/crypto';
import { UnlockCookie } from '../session/unlock-cookie';

/** The client's half of a focal point's unlocked complaint key (`sessionSecrets.sea`), sealed in an HttpOnly cookie. */
export const SEA_UNLOCK_COOKIE = '__Host-amani-sea';

@Injectable()
export class SeaUnlockCookie extends UnlockCookie {
  constructor(@Inject(SODIUM) sodium: Sodium, @InjectConfig() config: AppConfig) {
    super(sodium, config, SEA_UNLOCK_COOKIE, 'sea-unlock-cookie');
  }
}
