import { randomUUID } from 'node:crypto';
import type { LockoutService, PasswordHasher } from '@amani/auth';
import { EnvelopeCrypto, loadSodium } from '@amani/crypto';
import { testAppConfig } from '@amani/testing/test-app-config';
import { FakeAuditService, FakeTransactionHost } from '../../testing/unit-fakes';
import type { SeaActor } from '../sea-actor';
import { SeaAuditor } from '../sea-auditor';
import { SeaCrypto } from '../sea-crypto';
import { SeaEndorsementsService } from '../sea-endorsements.service';
import { SeaKeysService } from '../sea-keys.service';
import { SeaTrustService } from '../sea-trust.service';
import { FakeSeaKeysRepository } from './fake-sea-keys.repository';

export const PASSWORD = 'correct horse battery staple on a long walk';

let shared: Promise<SeaCrypto> | undefined;

/** One real SeaCrypto per test file (its Argon2 runs make the cost), everything else fresh. */
export function seaCrypto(): Promise<SeaCrypto> {
  shared ??= loadSodium().then((sodium) => {
    const config = testAppConfig();
    const keys = { currentVersion: () => 1, get: () => config.secrets.masterKeys.get(1)! } as never;
    return new SeaCrypto(sodium, new EnvelopeCrypto(sodium, keys), config);
  });
  return shared;
}

/** Password checks as the hasher and lockout would answer them: "hash:<password>" verifies <password>. */
export class FakePasswords {
  readonly reserved: string[] = [];
  locked = new Set<string>();
  dummies = 0;

  verify(stored: string, password: string): Promise<boolean> {
    return Promise.resolve(stored === `hash:${password}`);
  }
  verifyDummy(): Promise<false> {
    this.dummies += 1;
    return Promise.resolve(false);
  }
  reserve(userId: string): Promise<{ userId: string } | null> {
    this.reserved.push(userId);
    return Promise.resolve(this.locked.has(userId) ? null : { userId });
  }
  succeed(userId: string): Promise<boolean> {
    return Promise.resolve(!this.locked.has(userId));
  }
}

export interface SeaKeyWorld {
  crypto: SeaCrypto;
  tx: FakeTransactionHost;
  audit: FakeAuditService;
  repo: FakeSeaKeysRepository;
  passwords: FakePasswords;
  trust: SeaTrustService;
  keys: SeaKeysService;
  endorsements: SeaEndorsementsService;
  /** A focal point account (password PASSWORD) with a live session. */
  focalPoint(): SeaActor;
  /** Sets up the actor's key in their session; returns the unlock token. */
  withKey(actor: SeaActor): Promise<string>;
}

export async function seaKeyWorld(): Promise<SeaKeyWorld> {
  const crypto = await seaCrypto();
  const tx = new FakeTransactionHost();
  const audit = new FakeAuditService();
  const repo = new FakeSeaKeysRepository();
  const passwords = new FakePasswords();
  const auditor = new SeaAuditor(audit.asService());
  const trust = new SeaTrustService(repo, crypto);
  const keys = new SeaKeysService(tx.asHost(), repo, crypto, passwords as unknown as PasswordHasher, passwords as unknown as LockoutService, auditor, trust);
  const endorsements = new SeaEndorsementsService(tx.asHost(), repo, crypto, keys, auditor, audit.asService(), trust);
  return {
    crypto,
    tx,
    audit,
    repo,
    passwords,
    trust,
    keys,
    endorsements,
    focalPoint() {
      const u = repo.addUser({ passwordHash: `hash:${PASSWORD}`, displayName: `FP ${randomUUID().slice(0, 4)}` });
      return { id: u.id, role: 'psea_focal_point', agencyId: null, sessionId: randomUUID(), requestId: null };
    },
    async withKey(actor) {
      return (await keys.setup(actor, PASSWORD, false)).unlockToken;
    },
  };
}
