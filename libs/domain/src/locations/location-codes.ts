/**
 * Administrative area code (OCHA P-code, or ISO 3166-2): upper-case letters, digits, '-' or
 * '_'. Every region code field takes one; with a gazetteer loaded it must also be in it.
 */
export const REGION_CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
export const REGION_CODE_SQL_PATTERN = '^[A-Z0-9][A-Z0-9_-]{0,31}$';
