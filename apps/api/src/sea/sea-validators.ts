import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';

/**
 * Free text a person wrote (encrypted at rest): not blank, at most `max` characters, line
 * breaks and tabs allowed but no other control character (PostgreSQL refuses NUL).
 */
export const IsWrittenText = (max: number) =>
  applyDecorators(
    IsString(),
    MaxLength(max),
    Matches(/\S/, { message: '$property must not be blank' }),
    // eslint-disable-next-line no-control-regex
    Matches(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, { message: '$property must not contain control characters' }),
  );

/** A receipt as a person may type it: 20 digits, spaces or dashes between groups allowed. */
export const IsReceipt = () =>
  applyDecorators(IsString(), Matches(/^[0-9][0-9 -]{18,40}[0-9]$/, { message: '$property must be the 20-digit receipt code' }));
