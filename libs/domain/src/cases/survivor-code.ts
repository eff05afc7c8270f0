import { randomInt } from 'node:crypto';

/** No I, L, O, 0 or 1: letters and digits that cannot be mistaken for one another. */
export const SURVIVOR_CODE_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ';
export const SURVIVOR_CODE_DIGITS = '23456789';
export const SURVIVOR_CODE_PATTERN = new RegExp(`^[${SURVIVOR_CODE_LETTERS}]{3}-[${SURVIVOR_CODE_DIGITS}]{5}$`);

/**
 * A human-friendly survivor code such as "KMR-48273": 3 letters and 5 digits drawn from a
 * CSPRNG (23^3 × 8^5 ≈ 400 million codes). It is not a secret, but it is stored only as a
 * blind index plus an encrypted copy for display.
 */
export function generateSurvivorCode(random: (max: number) => number = randomInt): string {
  let letters = '';
  for (let i = 0; i < 3; i++) letters += SURVIVOR_CODE_LETTERS[random(SURVIVOR_CODE_LETTERS.length)];
  let digits = '';
  for (let i = 0; i < 5; i++) digits += SURVIVOR_CODE_DIGITS[random(SURVIVOR_CODE_DIGITS.length)];
  return `${letters}-${digits}`;
}
