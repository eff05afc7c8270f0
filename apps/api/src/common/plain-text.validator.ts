import { Matches } from 'class-validator';

/**
 * Refuses control characters (NUL included: PostgreSQL cannot store it in text, so it would
 * otherwise surface as a 500 instead of a 400 naming the field).
 */
export const IsPlainText = () =>
  // eslint-disable-next-line no-control-regex
  Matches(/^[^\u0000-\u001f\u007f]*$/, { message: '$property must not contain control characters' });
