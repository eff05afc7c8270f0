// Format characters (zero-width space, soft hyphen...) are invisible, so they must not count.
const SPACE_DASH_OR_INVISIBLE = /[\s\p{Pd}\u2212\p{Cf}]/gu;
const NON_ASCII_DIGIT = /[^\P{Nd}0-9]/gu;
const DECIMAL_DIGIT = /\p{Nd}/u;

/**
 * Unicode decimal digits come in runs of ten, 0 to 9, so a digit's value is its distance from
 * the start of its run, modulo 10. Lets Arabic-Indic, Persian, Devanagari... numbers match.
 */
function asciiDigit(ch: string): string {
  const cp = ch.codePointAt(0)!;
  let start = cp;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return String((cp - start) % 10);
}

function toAsciiDigits(value: string): string {
  return value.replace(NON_ASCII_DIGIT, asciiDigit);
}

/** Normalisers applied before blind indexing, so that trivially different spellings match. */
export const normalise = {
  /** Uppercase, without whitespace, dashes or invisible characters: "ab-12 3" → "AB123". */
  survivorCode(value: string): string {
    return toAsciiDigits(value.normalize('NFKC')).replace(SPACE_DASH_OR_INVISIBLE, '').toUpperCase();
  },

  /**
   * Digits only, keeping international form: a leading "+" or "00" becomes "+", so
   * "+254 712-345 678" and "00254712345678" match; "0712 345678" (national form) stays
   * "0712345678" and does not match its international form, because the country is unknown.
   */
  phone(value: string): string {
    const kept = toAsciiDigits(value.normalize('NFKC')).replace(/[^0-9+]/g, '');
    let international = kept.startsWith('+');
    let digits = kept.replace(/\+/g, '');
    if (!international && digits.startsWith('00')) {
      international = true;
      digits = digits.slice(2);
    }
    if (digits.length === 0) return '';
    return international ? `+${digits}` : digits;
  },
} as const;

export type BlindIndexKind = keyof typeof normalise;
