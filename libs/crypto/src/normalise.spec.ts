import { normalise } from './normalise';

describe('normalise', () => {
  it.each([
    ['ab-12 3', 'AB123'],
    ['  AB 12-3  ', 'AB123'],
    ['ab–12—3', 'AB123'], // en and em dashes
    ['ａｂ１２３', 'AB123'], // full-width
    ['ab\u00a012\t3', 'AB123'],
    ['AB\u200b12\u00ad3', 'AB123'], // zero-width space, soft hyphen
    ['kc-٠٤٧', 'KC047'], // Arabic-Indic digits
    ['GBV/2024/7', 'GBV/2024/7'],
  ])('survivorCode(%j) = %j', (input, expected) => {
    expect(normalise.survivorCode(input)).toBe(expected);
  });

  it.each([
    ['+254 712-345 678', '+254712345678'],
    ['00254712345678', '+254712345678'],
    ['(+254) 712 345678', '+254712345678'],
    ['+1 (555) 010-9999', '+15550109999'],
    ['0712 345 678', '0712345678'],
    ['٠٧١٢٣٤٥٦٧٨', '0712345678'], // Arabic-Indic
    ['۰۷۱۲۳۴۵۶۷۸', '0712345678'], // Persian
    ['＋２５４７１２', '+254712'], // full-width
    ['phone: none', ''],
    ['+', ''],
  ])('phone(%j) = %j', (input, expected) => {
    expect(normalise.phone(input)).toBe(expected);
  });
});
