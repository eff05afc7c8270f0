/**
 * The one envelope of every paged list response: the items of this page, where it is and how many
 * there are in scope. Domain list views are `Page<TheirView>`; the API's DTOs come from
 * `PageDto(ItemDto)` (apps/api/src/common/page.dto.ts), so the OpenAPI document declares the same.
 */
export interface Page<T> {
  items: T[];
  /** 1-based. */
  page: number;
  pageSize: number;
  total: number;
}

/**
 * A page reached by keyset (an opaque cursor on the sort key) whose total is counted up to a cap
 * instead of over the whole scope.
 */
export interface KeysetPage<T> extends Page<T> {
  /** True when `total` stopped at the cap (there are more). */
  totalCapped: boolean;
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}
