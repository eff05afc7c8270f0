import { quarterOf, SEA_LANGUAGES, SEA_STATUSES, seaTransitionAllowed, utcToday } from './sea-codes';
import { questionnaire } from './sea-questionnaire';

describe('SEA codes', () => {
  it('allows received → assessment → referred_for_investigation | closed, and closing an investigation', () => {
    const allowed = SEA_STATUSES.flatMap((from) => SEA_STATUSES.filter((to) => seaTransitionAllowed(from, to)).map((to) => `${from}>${to}`));
    expect(allowed.sort()).toEqual(['assessment>closed', 'assessment>referred_for_investigation', 'received>assessment', 'referred_for_investigation>closed']);
  });

  it('maps dates to quarters and today to a bare UTC date', () => {
    expect(['2025-01-01', '2025-03-31', '2025-04-01', '2025-09-30', '2025-12-31'].map(quarterOf)).toEqual(['2025-Q1', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(utcToday(new Date('2025-11-28T23:59:59.999Z'))).toBe('2025-11-28');
  });

  it('has the whole questionnaire in every language, Arabic right to left', () => {
    const en = questionnaire('en', ['NORTH']);
    for (const lang of SEA_LANGUAGES) {
      const q = questionnaire(lang, ['NORTH']);
      expect(q.dir).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      expect(q.questions.map((x) => [x.name, x.type, x.required, x.options?.map((o) => o.value)])).toEqual(
        en.questions.map((x) => [x.name, x.type, x.required, x.options?.map((o) => o.value)]),
      );
      for (const x of q.questions) {
        expect(x.label.length).toBeGreaterThan(2);
        for (const o of x.options ?? []) expect(o.label.length).toBeGreaterThan(0);
      }
      if (lang !== 'en') expect(q.title).not.toBe(en.title);
    }
  });
});
