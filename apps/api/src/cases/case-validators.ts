import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsString, MaxLength, ValidationOptions } from 'class-validator';

/** Non-empty free text of at most `max` characters (encrypted at rest). */
export function IsText(max: number, options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(IsString(options), IsNotEmpty(options), MaxLength(max, options));
}

export const TEXT_SHORT = 200;
export const TEXT_MEDIUM = 2000;
export const TEXT_LONG = 20000;

/** Calendar dates are checked alike everywhere; kept here for the case DTOs' one import. */
export { IsCalendarDate } from '../common/calendar-date.validator';
