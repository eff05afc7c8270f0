import { adminOneOf, RegionNode, rollUpRegions } from './region-rollup';

const H = new Map<string, RegionNode>([
  ['SO', { adminLevel: 0, parentPCode: null }],
  ['SO11', { adminLevel: 1, parentPCode: 'SO' }],
  ['SO1101', { adminLevel: 2, parentPCode: 'SO11' }],
  ['SO1102', { adminLevel: 2, parentPCode: 'SO11' }],
  ['SO22', { adminLevel: 1, parentPCode: 'SO' }],
  ['SO2201', { adminLevel: 2, parentPCode: 'SO22' }],
  ['SO220101', { adminLevel: 3, parentPCode: 'SO2201' }],
]);
const g = (region: string, sex: string, n: number) => ({ section: 's', dims: { region, sex }, n });
const total = (gs: { n: number }[]) => gs.reduce((a, x) => a + x.n, 0);

describe('adminOneOf', () => {
  it('finds the admin-1 ancestor of deeper units and nothing for the others', () => {
    expect(adminOneOf('SO1101', H)).toBe('SO11');
    expect(adminOneOf('SO220101', H)).toBe('SO22');
    expect(adminOneOf('SO11', H)).toBeUndefined();
    expect(adminOneOf('SO', H)).toBeUndefined();
    expect(adminOneOf('unknown', H)).toBeUndefined();
  });
});

describe('rollUpRegions', () => {
  it('leaves a table alone when no admin-2 cell is small', () => {
    const groups = [g('SO1101', 'female', 7), g('SO1102', 'female', 0), g('SO2201', 'male', 12)];
    expect(rollUpRegions(groups, 'region', H, 5)).toEqual({ groups, rolledUp: [] });
  });

  it('counts every sub-unit of an admin-1 unit under it when one of them has a small cell, and keeps totals', () => {
    const groups = [g('SO1101', 'female', 7), g('SO1102', 'female', 2), g('SO1102', 'male', 6), g('SO2201', 'male', 12), g('unknown', 'male', 3)];
    const out = rollUpRegions(groups, 'region', H, 5);
    expect(out.rolledUp).toEqual(['SO11']);
    expect(out.groups).toEqual(
      expect.arrayContaining([g('SO11', 'female', 9), g('SO11', 'male', 6), g('SO2201', 'male', 12), g('unknown', 'male', 3)]),
    );
    expect(out.groups).toHaveLength(4);
    expect(total(out.groups)).toBe(total(groups));
  });

  it('rolls admin-3 units up to admin 1 and merges them with rows already coded at admin 1', () => {
    const out = rollUpRegions([g('SO220101', 'female', 1), g('SO22', 'female', 5)], 'region', H, 5);
    expect(out).toEqual({ groups: [g('SO22', 'female', 6)], rolledUp: ['SO22'] });
  });

  it('does not touch the input groups', () => {
    const groups = [g('SO1101', 'female', 1), g('SO1102', 'female', 1)];
    rollUpRegions(groups, 'region', H, 5);
    expect(groups).toEqual([g('SO1101', 'female', 1), g('SO1102', 'female', 1)]);
  });
});
