import { normalise } from '@amani/crypto';
import { generateSurvivorCode, SURVIVOR_CODE_DIGITS, SURVIVOR_CODE_LETTERS, SURVIVOR_CODE_PATTERN } from './survivor-code';

describe('survivor code', () => {
  it('has 3 letters and 5 digits, none ambiguous', () => {
    for (let i = 0; i < 2000; i++) {
      const code = generateSurvivorCode();
      expect(code).toMatch(SURVIVOR_CODE_PATTERN);
      expect(code).not.toMatch(/[ILO01]/);
    }
  });

  it('draws every character from the CSPRNG-backed source', () => {
    const calls: number[] = [];
    const code = generateSurvivorCode((max) => {
      calls.push(max);
      return max - 1;
    });
    expect(calls).toEqual([23, 23, 23, 8, 8, 8, 8, 8]);
    expect(code).toBe('ZZZ-99999');
    expect(generateSurvivorCode(() => 0)).toBe('AAA-22222');
    expect(SURVIVOR_CODE_LETTERS).toHaveLength(23);
    expect(SURVIVOR_CODE_DIGITS).toHaveLength(8);
  });

  it('is rarely repeated', () => {
    const seen = new Set(Array.from({ length: 5000 }, () => generateSurvivorCode()));
    expect(seen.size).toBeGreaterThan(4990);
  });

  it('normalises typed variants to the same blind-index input', () => {
    expect(normalise.survivorCode(' kmr 48273 ')).toBe(normalise.survivorCode('KMR-48273'));
  });
});
