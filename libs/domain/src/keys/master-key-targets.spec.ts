import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { MASTER_KEY_TARGETS } from './master-key-targets';

const ROOT = resolve(__dirname, '../../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('MASTER_KEY_TARGETS', () => {
  // Adding a use of wrapDataKey / encryptSystem means adding its column here, or keys:retire
  // could drop a key that still protects it. Changing these lists is a reviewed decision.
  it('covers every value the server wraps or encrypts under its master key', () => {
    expect(MASTER_KEY_TARGETS.map((t) => t.name)).toEqual([
      'users.mfa_secret',
      'case_keys.wrapped_dek',
      'referral_packet_keys.wrapped_dek',
      'referral_keys.wrapped_dek',
      'sea_assistance_requests.wrapped_key',
    ]);
  });

  // case_keys is no longer written under the master key (new case keys are sealed to their
  // agency), but rows from before the agency-key upgrade still are, and stay a target.
  it('knows every file that wraps or encrypts under the master key', () => {
    const users = [...sources(join(ROOT, 'libs')), ...sources(join(ROOT, 'apps'))]
      .filter((f) => /\.(encryptSystem|wrapDataKey)\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f))
      .sort();
    expect(users).toEqual([
      'libs/auth/src/mfa/mfa.service.ts', // users.mfa_secret
      'libs/auth/src/users/users.service.ts', // users.mfa_secret
      'libs/crypto/src/envelope.service.ts', // the implementation
      'libs/crypto/src/self-test.ts', // nothing stored
      'libs/domain/src/referrals/referral-vault.ts', // referral_packet_keys, referral_keys
      'libs/domain/src/sea/sea-complaints.repository.ts', // sea_assistance_requests
    ]);
  });
});
