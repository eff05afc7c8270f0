import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsString, MaxLength, ValidateBy, ValidationOptions } from 'class-validator';
import { isValidIsoDate } from '@amani/domain/cases';

/** A real calendar date written YYYY-MM-DD. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isValidIsoDate(value),
        defaultMessage: () => '$property must be a real date written YYYY-MM-DD',
      },
    },
    options,
  );
}

/** Non-empty free text of at most `max` characters (encrypted at rest). */
export function IsText(max: number, options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(IsString(options), IsNotEmpty(options), MaxLength(max, options));
}

export const TEXT_SHORT = 200;
export const TEXT_MEDIUM = 2000;
export const TEXT_LONG = 20000;
