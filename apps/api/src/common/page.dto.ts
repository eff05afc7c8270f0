import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { KeysetPage, Page } from '@amani/http';

/**
 * The page envelope of every list endpoint, declared once: `class XPageDto extends PageDto(XDto) {}`
 * gives `{ items: XDto[], page, pageSize, total }` in both TypeScript and the OpenAPI document
 * (the schema keeps the subclass's name).
 */
export function PageDto<T>(item: Type<T>): Type<Page<T>> {
  class PageOf implements Page<T> {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty({ minimum: 1 }) page: number;
    @ApiProperty({ minimum: 1 }) pageSize: number;
    @ApiProperty({ minimum: 0 }) total: number;
  }
  return PageOf;
}

/** The keyset variant: the same envelope plus `totalCapped` and `nextCursor` (null on the last page). */
export function KeysetPageDto<T>(item: Type<T>): Type<KeysetPage<T>> {
  class KeysetPageOf extends PageDto(item) implements KeysetPage<T> {
    @ApiProperty({ description: 'True when total stopped at the cap (there are more).' }) totalCapped: boolean;
    @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page.' }) nextCursor: string | null;
  }
  return KeysetPageOf;
}
