import { parsePeriod, periodsUpTo } from './report-period';

describe('periodsUpTo', () => {
  it('lists the months ending with the period, oldest first, across a year boundary', () => {
    expect(periodsUpTo(parsePeriod('2025-02', 'month')!, 4)).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });

  it('lists quarters, and twelve of them', () => {
    expect(periodsUpTo(parsePeriod('2025-Q1', 'quarter')!, 3)).toEqual(['2024-Q3', '2024-Q4', '2025-Q1']);
    const twelve = periodsUpTo(parsePeriod('2025-Q4', 'quarter')!, 12);
    expect(twelve).toHaveLength(12);
    expect(twelve[0]).toBe('2023-Q1');
  });

  it('stops at the first reportable year', () => {
    expect(periodsUpTo(parsePeriod('2000-02', 'month')!, 4)).toEqual(['2000-01', '2000-02']);
  });
});
