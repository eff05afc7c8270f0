import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en';
import { PasswordPolicyProblem } from '../auth.exceptions';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
/** zxcvbn score (0..4) below which a password is refused. */
export const PASSWORD_MIN_SCORE = 3;
const MIN_LOCAL_PART = 3;

export interface PasswordContext {
  email?: string;
  displayName?: string;
}

let estimator: ZxcvbnFactory | undefined;
let passphraseEstimator: ZxcvbnFactory | undefined;
// Building the ranked dictionaries takes a moment; do it once per process.
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator;
}

/**
 * Returns why the password is refused, or null when it is acceptable. NIST SP 800-63B
 * style: length, not composition rules; common and guessable passwords refused. The reason
 * never quotes the password.
 */
export function passwordPolicyViolation(password: string, ctx: PasswordContext = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  const localPart = ctx.email?.split('@')[0]?.trim().toLowerCase() ?? '';
  if (localPart.length >= MIN_LOCAL_PART && lower.includes(localPart)) {
    return 'must not contain the email address';
  }
  const userInputs = [localPart, ...(ctx.displayName?.toLowerCase().split(/\s+/) ?? [])].filter(
    (w) => w.length >= MIN_LOCAL_PART,
  );
  const result = zxcvbn().check(password, userInputs);
  const whole = result.sequence.length === 1 ? result.sequence[0] : undefined;
  if (whole && whole.pattern === 'dictionary' && whole.dictionaryName === 'passwords-common') {
    return 'is a commonly used password';
  }
  if (result.score < PASSWORD_MIN_SCORE) return 'is too easy to guess';
  return null;
}

/** Diceware-style words: letters only, at least this long, all different. */
export const PASSPHRASE_MIN_WORDS = 5;
const PASSPHRASE_WORD_MIN_LENGTH = 3;

/**
 * The stronger policy for a password that also wraps a focal point's complaint key (a
 * database dump gives an offline test against that wrap): the login policy, and then
 * zxcvbn's top score (4) or at least five distinct diceware-style words.
 */
export function passphrasePolicyViolation(password: string, ctx: PasswordContext = {}): string | null {
  const base = passwordPolicyViolation(password, ctx);
  if (base) return base;
  const words = new Set(
    password
      .toLowerCase()
      .split(/[\s\-_.,;:+/]+/)
      .filter((w) => w.length >= PASSPHRASE_WORD_MIN_LENGTH && /^\p{L}+$/u.test(w)),
  );
  if (words.size >= PASSPHRASE_MIN_WORDS) return null;
  const userInputs = (ctx.email?.split('@')[0] ?? '').length >= MIN_LOCAL_PART ? [ctx.email!.split('@')[0].toLowerCase()] : [];
  // With the English word lists too: a key-wrapping passphrase is attacked offline, by
  // attackers who use them.
  passphraseEstimator ??= new ZxcvbnFactory({ dictionary: { ...dictionary, ...englishDictionary }, graphs: adjacencyGraphs });
  if (passphraseEstimator.check(password, userInputs).score >= 4) return null;
  return `must be a passphrase of at least ${PASSPHRASE_MIN_WORDS} different words, or as hard to guess`;
}

export function assertPassphrasePolicy(password: string, ctx: PasswordContext = {}): void {
  const violation = passphrasePolicyViolation(password, ctx);
  if (violation) throw new PasswordPolicyProblem(violation);
}

/** Throws a 400 problem naming the field `password` when the policy refuses it. */
export function assertPasswordPolicy(password: string, ctx: PasswordContext = {}): void {
  const violation = passwordPolicyViolation(password, ctx);
  if (violation) throw new PasswordPolicyProblem(violation);
}
