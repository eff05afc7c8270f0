import { catalogueGaps } from '@amani/html';
import { CATALOGUES, translate, WEB_LANGUAGES } from '.';

describe('console catalogues', () => {
  it.each(WEB_LANGUAGES.filter((l) => l !== 'en'))('%s has every key of English, with every plural form its rules use', (lang) => {
    expect(catalogueGaps(CATALOGUES.en, lang, CATALOGUES[lang])).toEqual([]);
  });

  it('finds a missing key, a missing plural form and an unknown key', () => {
    const broken = JSON.parse(JSON.stringify(CATALOGUES.ar));
    delete broken.signIn.title;
    delete broken.cases.count_two;
    broken.extra = 'x';
    expect(catalogueGaps(CATALOGUES.en, 'ar', broken).sort()).toEqual(['ar: missing cases.count_two', 'ar: missing signIn.title', 'ar: unknown extra'].sort());
  });

  it('chooses plural forms by each language’s rules', () => {
    expect(translate('en')('cases.count', { count: 1 })).toBe('1 case');
    expect(translate('en')('cases.count', { count: 3 })).toBe('3 cases');
    expect(translate('ar')('cases.count', { count: 2 })).toBe('حالتان');
    expect(translate('ar')('cases.count', { count: 5 })).toBe('5 حالات');
    expect(translate('ar')('cases.count', { count: 11 })).toBe('11 حالة');
    expect(translate('fr')('cases.count', { count: 0 })).toBe('0 dossier');
  });

  it('leaves escaping to the renderer (no double escaping)', () => {
    expect(translate('en')('cases.open', { ref: '<x>' })).toBe('Open case <x>');
  });
});
