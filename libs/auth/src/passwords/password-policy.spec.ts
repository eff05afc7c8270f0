import { createHash } from 'node:crypto';
import { DomainException } from '@amani/http';
import { assertPasswordPolicy, passphrasePolicyViolation, passwordPolicyViolation, PASSWORD_MAX_LENGTH } from './password-policy';

describe('password policy', () => {
  it('refuses fewer than 12 characters and accepts 12', () => {
    expect(passwordPolicyViolation('Xk9#mP2$vL7')).toBe('must be at least 12 characters');
    expect(passwordPolicyViolation('Xk9#mP2$vL7q')).toBeNull();
  });

  it('counts characters, not UTF-16 units', () => {
    // 11 astral characters are 22 UTF-16 units but still too short.
    expect(passwordPolicyViolation('🦊🐙🦉🐢🦋🐝🦀🐬🦜🐘🦒')).toBe('must be at least 12 characters');
  });

  it('accepts long passphrases of 64 characters and more, up to the maximum', () => {
    const long = 'granite lantern orchard velvet quasar thimble harbour nectarine sage';
    expect(long.length).toBeGreaterThanOrEqual(64);
    expect(passwordPolicyViolation(long)).toBeNull();
    const max = createHash('sha512').update('amani').digest('hex');
    expect(max).toHaveLength(PASSWORD_MAX_LENGTH);
    expect(passwordPolicyViolation(max)).toBeNull();
    expect(passwordPolicyViolation('a'.repeat(PASSWORD_MAX_LENGTH + 1))).toBe('must be at most 128 characters');
  });

  it.each(['password1234', '123456789012', 'qwertyuiopasdf', 'iloveyou12345'])('refuses the common password %s', (pw) => {
    expect(passwordPolicyViolation(pw)).toMatch(/commonly used|too easy/);
  });

  it('refuses guessable patterns (repeats, keyboard walks)', () => {
    expect(passwordPolicyViolation('letmeinletmein')).not.toBeNull();
    expect(passwordPolicyViolation('aaaaaaaaaaaaaaaa')).not.toBeNull();
    expect(passwordPolicyViolation('1qaz2wsx3edc4rfv')).not.toBeNull();
  });

  it('refuses a password containing the email local part, whatever the case', () => {
    expect(passwordPolicyViolation('Xk9#amina.k$vL7q', { email: 'Amina.K@agency.example' })).toBe(
      'must not contain the email address',
    );
    expect(passwordPolicyViolation('Xk9#mP2$vL7q', { email: 'amina.k@agency.example' })).toBeNull();
  });

  it('throws a 400 problem naming the field password, without quoting it', () => {
    let thrown: unknown;
    try {
      assertPasswordPolicy('password1234');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DomainException);
    const problem = thrown as DomainException;
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([{ field: 'password', message: expect.any(String) }]);
    expect(JSON.stringify(problem.errors) + problem.message).not.toContain('password1234');
  });
});

describe('focal point passphrase policy', () => {
  it('accepts five distinct diceware-style words', () => {
    expect(passphrasePolicyViolation('granite lantern orchard velvet quasar')).toBeNull();
    expect(passphrasePolicyViolation('granite-lantern-orchard-velvet-quasar')).toBeNull();
  });

  it('refuses a password that passes the login policy but is neither score 4 nor five words', () => {
    const login = 'password monkey12';
    expect(passwordPolicyViolation(login)).toBeNull();
    expect(passphrasePolicyViolation(login)).toMatch(/passphrase/);
  });

  it('accepts a random string zxcvbn scores 4', () => {
    expect(passphrasePolicyViolation('kV8#qzP!m2Lw@x7RtN4e')).toBeNull();
  });

  it('still applies the login policy first', () => {
    expect(passphrasePolicyViolation('a b c d e')).toBe('must be at least 12 characters');
  });
});
