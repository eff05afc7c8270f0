import type { SeaActor } from '../sea-actor';
import { SeaKeyLockedProblem } from '../sea-errors';
import type { SeaKeysService } from '../sea-keys.service';

/** The session's key is unlocked only with the right X-Sea-Unlock value ('unlock'). */
export class FakeUnlockedKeys {
  unlocked(_actor: SeaActor, token: string | undefined): Promise<{ publicKey: Buffer; privateKey: Buffer }> {
    if (token !== 'unlock') return Promise.reject(new SeaKeyLockedProblem());
    return Promise.resolve({ publicKey: Buffer.alloc(32, 1), privateKey: Buffer.alloc(32, 7) });
  }

  asService(): SeaKeysService {
    return this as unknown as SeaKeysService;
  }
}
