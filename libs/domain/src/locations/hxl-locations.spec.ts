import { HxlLocationsError, parseHxlLocations } from './hxl-locations';

const COD = [
  'Country,Country code,Region,Region P-code,District,District P-code,District (fr),District (ar)',
  '#country+name,#country+code,#adm1+name,#adm1+code,#adm2+name+i_en,#adm2+code,#adm2+name+i_fr,#adm2+name+i_ar',
  'Somalia,SO,Awdal,SO11,Borama,SO1101,Borama,بورامو',
  'Somalia,SO,Awdal,SO11,Baki,SO1102,Baki,بكي',
  'Somalia,SO,Banadir,SO22,Mogadishu,SO2201,Mogadiscio,مقديشو',
].join('\n');

describe('parseHxlLocations', () => {
  it('reads every level of a common operational dataset with its parent and names per language', () => {
    const out = parseHxlLocations(COD);
    expect(out.map((l) => l.pCode)).toEqual(['SO', 'SO11', 'SO22', 'SO1101', 'SO1102', 'SO2201']);
    expect(out.find((l) => l.pCode === 'SO')).toEqual({ pCode: 'SO', adminLevel: 0, parentPCode: null, names: { en: 'Somalia' } });
    expect(out.find((l) => l.pCode === 'SO11')).toEqual({ pCode: 'SO11', adminLevel: 1, parentPCode: 'SO', names: { en: 'Awdal' } });
    expect(out.find((l) => l.pCode === 'SO2201')).toEqual({
      pCode: 'SO2201',
      adminLevel: 2,
      parentPCode: 'SO22',
      names: { en: 'Mogadishu', fr: 'Mogadiscio', ar: 'مقديشو' },
    });
  });

  it('accepts a file whose first line is the hashtag row, a BOM, quoted cells and lower-case codes', () => {
    const out = parseHxlLocations('\uFEFF#adm1+code,#adm1+name\n"ke-30","Nairobi, City"\n');
    expect(out).toEqual([{ pCode: 'KE-30', adminLevel: 1, parentPCode: null, names: { en: 'Nairobi, City' } }]);
  });

  it('prefers an explicit +i_en name over an untagged one, whatever the column order', () => {
    const out = parseHxlLocations('#adm1+name+i_en,#adm1+name,#adm1+code\nEnglish,Local,X1\n');
    expect(out[0].names).toEqual({ en: 'English' });
    const other = parseHxlLocations('#adm1+name,#adm1+name+i_en,#adm1+code\nLocal,English,X1\n');
    expect(other[0].names).toEqual({ en: 'English' });
  });

  it('refuses a file without a hashtag row or without code columns', () => {
    expect(() => parseHxlLocations('Region,Code\nAwdal,SO11\n')).toThrow(HxlLocationsError);
    expect(() => parseHxlLocations('#adm1+name\nAwdal\n')).toThrow(/no administrative code column/);
    expect(() => parseHxlLocations('#adm1+code\n')).toThrow(/no administrative unit/);
  });

  it('refuses a code that is not a P-code, naming the line', () => {
    expect(() => parseHxlLocations('#adm1+code\nSO11\nSO 12\n')).toThrow(/line 3: .*not a P-code/);
    expect(() => parseHxlLocations('#adm1+code\n' + 'A'.repeat(33) + '\n')).toThrow(/not a P-code/);
  });

  it('refuses a unit given two parents or two levels, and names with control characters', () => {
    expect(() => parseHxlLocations('#adm1+code,#adm2+code\nA,A1\nB,A1\n')).toThrow(/line 3: A1 appears under two parents/);
    expect(() => parseHxlLocations('#adm1+code,#adm2+code\nA,B\nB,C\n')).toThrow(/admin levels/);
    expect(() => parseHxlLocations('#adm1+code,#adm1+name\nA,"x\u0007y"\n')).toThrow(/control characters/);
  });

  it('merges names given on different rows for the same unit', () => {
    const out = parseHxlLocations('#adm1+code,#adm1+name+i_en,#adm1+name+i_fr\nA,East,\nA,,Est\n');
    expect(out).toEqual([{ pCode: 'A', adminLevel: 1, parentPCode: null, names: { en: 'East', fr: 'Est' } }]);
  });
});
